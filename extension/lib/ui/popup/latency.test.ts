/** Latency: the median of timed probes, failures as "unreachable", and "Fastest" by it (load only to break ties or before a figure). */
import type { Location } from "@cargo-vpn/shared/schemas";
import { describe, expect, it } from "vitest";
import {
  defaultLocation,
  fastestLocation,
  measureLatencies,
  measureLatency,
  median,
  type ProbeDeps,
  readLatencies,
  saveLatencies,
} from "./latency";

const loc = (id: string, load: number, online = true): Location => ({
  id,
  name: id,
  country: "DE",
  load,
  online,
  pingUrl: `https://${id}.gw.example:443/ping`,
});

/** A clock and a fetch that take `ms[url][i]` for the i-th probe of `url` (or fail / answer `status`). */
function scripted(plan: Record<string, Array<number | "fail" | { status: number }>>): ProbeDeps & { asked: string[] } {
  let clock = 0;
  const seen = new Map<string, number>();
  const asked: string[] = [];
  return {
    asked,
    now: () => clock,
    fetch: async (url, init) => {
      asked.push(url);
      expect(init.cache).toBe("no-store");
      expect(init.credentials).toBe("omit");
      const i = seen.get(url) ?? 0;
      seen.set(url, i + 1);
      const step = plan[url]![i]!;
      if (step === "fail") throw new TypeError("Failed to fetch");
      if (typeof step === "object") return new Response(null, { status: step.status });
      clock += step;
      return new Response(null, { status: 204 });
    },
  };
}

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([90, 20, 30])).toBe(30);
    expect(median([40, 10, 20, 30])).toBe(25);
  });
});

describe("measureLatency", () => {
  it("times three probes one after another and keeps the median (the connection's first one drops out)", async () => {
    const deps = scripted({ "https://a/ping": [140, 21, 25] });
    expect(await measureLatency("https://a/ping", deps)).toBe(25);
    expect(deps.asked).toHaveLength(3);
  });

  it("is null (unreachable) when a probe fails or the answer is not the gateway's 204", async () => {
    expect(await measureLatency("https://a/ping", scripted({ "https://a/ping": [10, "fail", 10] }))).toBeNull();
    expect(await measureLatency("https://a/ping", scripted({ "https://a/ping": [{ status: 407 }] }))).toBeNull();
    expect(await measureLatency("https://a/ping", scripted({ "https://a/ping": [{ status: 503 }] }))).toBeNull();
  });

  it("never says 0 ms", async () => {
    expect(await measureLatency("https://a/ping", scripted({ "https://a/ping": [0.2, 0.1, 0.3] }))).toBe(1);
  });
});

describe("measureLatencies", () => {
  it("probes every online location and leaves offline ones alone", async () => {
    const a = loc("a", 0.5);
    const b = loc("b", 0.1);
    const off = loc("off", 0, false);
    const deps = scripted({ [a.pingUrl]: [30, 30, 30], [b.pingUrl]: ["fail"] });
    const latencies = await measureLatencies([a, b, off], deps);
    expect([...latencies]).toEqual([
      ["a", 30],
      ["b", null],
    ]);
    expect(deps.asked).not.toContain(off.pingUrl);
  });
});

describe("fastestLocation", () => {
  const a = loc("a", 0.9);
  const b = loc("b", 0.1);
  const c = loc("c", 0.5);

  it("is the lowest measured latency, whatever the load", () => {
    expect(
      fastestLocation(
        [a, b, c],
        new Map([
          ["a", 12],
          ["b", 80],
          ["c", 40],
        ]),
      )?.id,
    ).toBe("a");
  });

  it("breaks a tie by load", () => {
    expect(
      fastestLocation(
        [a, b, c],
        new Map([
          ["a", 20],
          ["b", 20],
          ["c", 40],
        ]),
      )?.id,
    ).toBe("b");
  });

  it("never picks an unreachable or offline location; a measured one beats an unmeasured one", () => {
    expect(
      fastestLocation(
        [a, b, c],
        new Map([
          ["a", 50],
          ["b", null],
        ]),
      )?.id,
    ).toBe("a");
    expect(
      fastestLocation(
        [a, loc("b", 0.1, false)],
        new Map([
          ["a", 50],
          ["b", 1],
        ]),
      )?.id,
    ).toBe("a");
    expect(
      fastestLocation(
        [a, b],
        new Map([
          ["a", null],
          ["b", null],
        ]),
      ),
    ).toBeUndefined();
  });

  it("is the lowest load before anything was measured", () => {
    expect(fastestLocation([a, b, c], new Map())?.id).toBe("b");
  });
});

const figures = (ms: Record<string, number | null>) => new Map(Object.entries(ms));

describe("defaultLocation", () => {
  const a = loc("a", 0.3);
  const b = loc("b", 0.1);

  it("is Fastest: by latency once measured, by load before", () => {
    expect(defaultLocation([a, b], figures({ a: 12, b: 80 }))?.id).toBe("a");
    expect(defaultLocation([a, b], new Map())?.id).toBe("b");
  });

  it("is the first online location when no gateway answered (there is no Fastest), never an offline one", () => {
    expect(defaultLocation([loc("x", 0, false), a, b], figures({ a: null, b: null }))?.id).toBe("a");
    expect(defaultLocation([loc("x", 0, false)], new Map())).toBeUndefined();
  });
});

describe("the kept figures", () => {
  it("round-trip through storage, and a damaged entry is ignored", () => {
    const store = new Map<string, string>();
    const memory = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveLatencies(
      memory,
      new Map([
        ["a", 23],
        ["b", null],
      ]),
    );
    expect([...readLatencies(memory)]).toEqual([
      ["a", 23],
      ["b", null],
    ]);
    store.set("cargo.locationLatencies", "{not json");
    expect(readLatencies(memory).size).toBe(0);
    store.set("cargo.locationLatencies", '{"a":"fast"}');
    expect(readLatencies(memory).size).toBe(0);
  });
});
