/** The site sessions follow the main tunnel and the rules; each is renewed on its own schedule. */
import type { ProxyCredentials } from "@cargo-vpn/shared/schemas";
import { MAX_OPEN_SESSIONS_PER_DEVICE } from "@cargo-vpn/shared/session-rules";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { ApiError } from "../api/api-error";
import type { StorageArea } from "../api/token-store";
import type { ConnectionState } from "../connection/state-machine";
import type { SiteRule } from "./site-rules";
import { SiteTunnels } from "./site-tunnels";

const proxyOf = (locationId: string) => ({ scheme: "http" as const, host: `${locationId}.gw`, port: 3128 });
const creds = (id: string, n: number, at: number): ProxyCredentials => ({
  username: id,
  password: `token-${n}`,
  expiresAt: new Date(at + 15 * 60_000).toISOString(),
});

function setup() {
  let now = 1_000_000;
  let seq = 0;
  const open = new Map<string, string>(); // session → location
  const calls: string[] = [];
  const failRenew = new Map<string, ApiError>();
  let rules: SiteRule[] = [];
  const alarms: Array<[string, number | null]> = [];
  const sites: Array<Array<{ proxy: { host: string }; credentials: ProxyCredentials }>> = [];
  let reapplied = 0;
  const deps = {
    api: {
      startSession: async (locationId: string, options: { alongside: boolean }) => {
        calls.push(`start ${locationId} alongside=${options.alongside}`);
        const id = `s${++seq}`;
        open.set(id, locationId);
        return { session: { id, startedAt: new Date(now).toISOString() }, proxy: proxyOf(locationId), credentials: creds(id, seq, now) };
      },
      renewSession: async (id: string) => {
        calls.push(`renew ${id}`);
        const failure = failRenew.get(id);
        if (failure) throw failure;
        return creds(id, ++seq, now);
      },
      endSession: async (id: string) => {
        calls.push(`end ${id}`);
        open.delete(id);
      },
    },
    rules: async () => rules,
    mainLocation: () => "main",
    area: fakeBrowser.storage.session as unknown as StorageArea,
    auth: { setSites: async (entries: (typeof sites)[number]) => void sites.push(entries) },
    routesChanged: async () => void reapplied++,
    timers: {
      schedule: async (name: string, at: number) => void alarms.push([name, at]),
      clear: async (name: string) => void alarms.push([name, null]),
    },
    clock: () => ({ now, random: 0 }),
  };
  const tunnels = new SiteTunnels(deps);
  const connected = (locationId = "main"): ConnectionState => ({
    name: "connected",
    locationId,
    session: { id: "main-session", startedAt: "" },
    proxy: proxyOf(locationId),
    credentials: creds("main-session", 0, now),
    renewAt: now + 60_000,
    renewAttempt: 0,
  });
  return {
    tunnels,
    deps,
    open,
    calls,
    failRenew,
    alarms,
    sites,
    connected,
    reapplied: () => reapplied,
    setRules: (next: SiteRule[]) => (rules = next),
    advance: (ms: number) => (now += ms),
  };
}

beforeEach(() => fakeBrowser.reset());

describe("site tunnels", () => {
  it("open one session per rule location other than the main one, once the main tunnel is up, and route by them", async () => {
    const t = setup();
    t.setRules([
      { site: "a.com", locationId: "fr" },
      { site: "b.com", locationId: "fr" },
      { site: "c.com", locationId: "main" },
      { site: "d.com", locationId: "nl" },
    ]);
    // Before the main tunnel is up nothing opens, and every rule for another location is held.
    await t.tunnels.update({ name: "connecting", locationId: "main" });
    expect(t.calls).toEqual([]);
    expect((await t.tunnels.routes(proxyOf("main"))).map((r) => r.proxy)).toEqual([null, null, proxyOf("main"), null]);

    await t.tunnels.update(t.connected());
    expect(t.calls).toEqual(["start fr alongside=true", "start nl alongside=true"]);
    expect(await t.tunnels.routes(proxyOf("main"))).toEqual([
      { site: "a.com", proxy: proxyOf("fr") },
      { site: "b.com", proxy: proxyOf("fr") },
      { site: "c.com", proxy: proxyOf("main") },
      { site: "d.com", proxy: proxyOf("nl") },
    ]);
    expect(
      t.sites
        .at(-1)!
        .map((e) => e.proxy.host)
        .sort(),
    ).toEqual(["fr.gw", "nl.gw"]);
    expect(t.reapplied()).toBe(1);
    expect(await t.tunnels.status()).toEqual({ fr: { state: "active" }, main: { state: "active" }, nl: { state: "active" } });
  });

  it("renews each site credential when due; a session the API ended is opened again", async () => {
    const t = setup();
    t.setRules([
      { site: "a.com", locationId: "fr" },
      { site: "b.com", locationId: "nl" },
    ]);
    await t.tunnels.update(t.connected());
    const at = t.alarms.find(([name]) => name === "cargo-site-renew")![1]!;
    expect(at).toBeGreaterThan(1_000_000);
    t.advance(at - 1_000_000);
    t.failRenew.set("s2", new ApiError({ code: "session_ended", status: 409 }));
    t.calls.length = 0;
    await t.tunnels.renewDue();
    expect(t.calls).toEqual(["renew s1", "renew s2", "start nl alongside=true"]);
    const fr = t.sites.at(-1)!.find((e) => e.proxy.host === "fr.gw")!;
    expect(fr.credentials.password).not.toBe("token-1");
  });

  it("a transient renewal failure keeps the session and retries with backoff", async () => {
    const t = setup();
    t.setRules([{ site: "a.com", locationId: "fr" }]);
    await t.tunnels.update(t.connected());
    t.advance(20 * 60_000);
    t.failRenew.set("s1", new ApiError({ code: "network", status: 0 }));
    await t.tunnels.renewDue();
    expect([...t.open.keys()]).toEqual(["s1"]);
    expect(t.alarms.at(-1)![1]).toBeGreaterThan(1_000_000 + 20 * 60_000);
  });

  it("end a rule's session when its rule goes, and every session when the VPN is switched off; keep them while held", async () => {
    const t = setup();
    t.setRules([
      { site: "a.com", locationId: "fr" },
      { site: "b.com", locationId: "nl" },
    ]);
    await t.tunnels.update(t.connected());
    t.setRules([{ site: "a.com", locationId: "fr" }]);
    await t.tunnels.rulesChanged();
    expect([...t.open.values()]).toEqual(["fr"]);
    await t.tunnels.update({ name: "reconnecting", locationId: "main", attempt: 0 });
    expect([...t.open.values()]).toEqual(["fr"]);
    await t.tunnels.update({ name: "disconnected" });
    expect(t.open.size).toBe(0);
    expect(await t.tunnels.status()).toEqual({});
    expect(t.alarms.at(-1)).toEqual(["cargo-site-renew", null]);
  });

  it("moving the main tunnel onto a rule's location rides it; the rule's own session ends", async () => {
    const t = setup();
    t.setRules([{ site: "a.com", locationId: "fr" }]);
    await t.tunnels.update(t.connected("main"));
    await t.tunnels.update(t.connected("fr"));
    expect(t.open.size).toBe(0);
  });

  it(`asks for no more than ${MAX_OPEN_SESSIONS_PER_DEVICE - 1} site sessions; the rest say why`, async () => {
    const t = setup();
    t.setRules(Array.from({ length: MAX_OPEN_SESSIONS_PER_DEVICE + 1 }, (_, i) => ({ site: `s${i}.com`, locationId: `loc${i}` })));
    await t.tunnels.update(t.connected());
    expect(t.open.size).toBe(MAX_OPEN_SESSIONS_PER_DEVICE - 1);
    const status = Object.values(await t.tunnels.status());
    expect(status.filter((s) => s.state === "failed")).toEqual([
      { state: "failed", reason: "too_many_sessions" },
      { state: "failed", reason: "too_many_sessions" },
    ]);
  });

  it("resumes from storage.session after the worker was stopped", async () => {
    const t = setup();
    t.setRules([{ site: "a.com", locationId: "fr" }]);
    await t.tunnels.update(t.connected());
    const again = new SiteTunnels(t.deps);
    expect(await again.routes(proxyOf("main"))).toEqual([{ site: "a.com", proxy: proxyOf("fr") }]);
  });
});
