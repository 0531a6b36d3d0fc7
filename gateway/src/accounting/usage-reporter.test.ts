import { afterEach, describe, expect, it } from "vitest";
import { GatewayApi } from "../api/api-client";
import { memoryLogger } from "../logger";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { UsageMeter } from "./usage-meter";
import { MAX_USAGE_REPORTS_PER_BATCH } from "@cargo-vpn/shared/schemas";
import { UsageReporter } from "./usage-reporter";
import { UsageJournal } from "./usage-journal";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("UsageReporter", () => {
  let api: FakeApi;
  afterEach(() => api?.close());

  const reporterFor = (fake: FakeApi, meter: UsageMeter, apiUrl = fake.url) =>
    new UsageReporter({
      api: new GatewayApi({ apiUrl, secret: fake.secret, timeoutMs: 2000 }),
      meter,
      collect: () => {},
      intervalMs: 60_000,
      logger: memoryLogger().logger,
    });

  it("with a journal, a new reporter (a replacement process) resends the unacknowledged batch with its id and the waiting deltas", async () => {
    api = await startFakeApi();
    const dir = mkdtempSync(join(tmpdir(), "cargo-journal-unit-"));
    try {
      const path = join(dir, "usage.json");
      const withJournal = (meter: UsageMeter) =>
        new UsageReporter({
          api: new GatewayApi({ apiUrl: api.url, secret: api.secret, timeoutMs: 2000 }),
          meter,
          collect: () => {},
          intervalMs: 60_000,
          logger: memoryLogger().logger,
          journal: new UsageJournal(path),
        });
      const first = new UsageMeter();
      const dying = withJournal(first);
      first.add("s1", 10, 20);
      api.failUsage(1, { applyFirst: true }); // applied, but the answer is lost
      expect(await dying.flush()).toBe(false);
      first.add("s2", 3, 4); // counted after the batch was cut
      api.failUsage(1); // the retry is refused before applying
      expect(await dying.flush()).toBe(false);

      // The process dies here; its replacement starts from the journal.
      const second = new UsageMeter();
      const replacement = withJournal(second);
      expect(second.peek()).toEqual([{ sessionId: "s2", bytesUp: 3, bytesDown: 4 }]);
      expect(second.totalDown).toBe(0); // the dead process's bytes-carried figures are not this one's
      expect(await replacement.flush()).toBe(true);
      expect(api.usageRequests.map((b) => b.batchId)).toEqual([0, 0, 0, 3].map((i) => api.usageRequests[i]!.batchId));
      expect(api.totals("s1")).toEqual({ bytesUp: 10, bytesDown: 20 });
      expect(api.totals("s2")).toEqual({ bytesUp: 3, bytesDown: 4 });
      // Nothing left to send: a third process starts empty.
      const third = new UsageMeter();
      withJournal(third);
      expect(third.peek()).toEqual([]);
      // A file that is not a journal stops the start rather than dropping counts silently.
      writeFileSync(path, '{"outstanding":{"batchId":1},"pending":[]}');
      expect(() => withJournal(new UsageMeter())).toThrow(/not a usage journal/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps a batch the API refused and resends it unchanged; new bytes wait for the next batch", async () => {
    api = await startFakeApi();
    const meter = new UsageMeter();
    const reporter = reporterFor(api, meter);
    meter.add("s1", 10, 20);
    api.failUsage(3, { status: 401 });
    expect(await reporter.flush()).toBe(false);
    meter.add("s1", 1, 2);
    expect(await reporter.flush()).toBe(false);
    expect(await reporter.flush()).toBe(false);
    expect(reporter.hasOutstanding).toBe(true);
    expect(await reporter.flush()).toBe(true);
    expect(api.usageRequests.slice(0, 4).map((b) => b.reports)).toEqual(Array(4).fill([{ sessionId: "s1", bytesUp: 10, bytesDown: 20 }]));
    expect(new Set(api.usageRequests.slice(0, 4).map((b) => b.batchId)).size).toBe(1);
    expect(api.usageRequests[4]!.reports).toEqual([{ sessionId: "s1", bytesUp: 1, bytesDown: 2 }]);
    expect(api.usageRequests[4]!.batchId).not.toBe(api.usageRequests[0]!.batchId);
    expect(api.totals("s1")).toEqual({ bytesUp: 11, bytesDown: 22 });
  });

  it("retries on its own timer with backoff until the API takes the batch", async () => {
    api = await startFakeApi();
    const meter = new UsageMeter();
    const reporter = new UsageReporter({
      api: new GatewayApi({ apiUrl: api.url, secret: api.secret }),
      meter,
      collect: () => {},
      intervalMs: 50,
      logger: memoryLogger().logger,
    });
    api.failUsage(2, { status: 503 });
    meter.add("s1", 3, 4);
    reporter.start();
    const ends = Date.now() + 5000;
    while (api.totals("s1").bytesDown === 0 && Date.now() < ends) await new Promise((r) => setTimeout(r, 20));
    reporter.stop();
    expect(api.totals("s1")).toEqual({ bytesUp: 3, bytesDown: 4 });
    expect(api.usageRequests).toHaveLength(3);
    expect(new Set(api.usageRequests.map((b) => b.batchId)).size).toBe(1);
  });

  it("survives an unreachable API without losing bytes", async () => {
    api = await startFakeApi();
    const meter = new UsageMeter();
    const down = reporterFor(api, meter, "http://127.0.0.1:9");
    meter.add("s1", 5, 5);
    expect(await down.flush()).toBe(false);
    expect(down.hasOutstanding).toBe(true);
  });

  it("splits more sessions than one batch may carry into several batches", async () => {
    api = await startFakeApi();
    const meter = new UsageMeter();
    const reporter = reporterFor(api, meter);
    for (let i = 0; i < MAX_USAGE_REPORTS_PER_BATCH + 3; i++) meter.add(`s${i}`, 1, 1);
    expect(await reporter.flush()).toBe(true);
    expect(api.usageRequests.map((b) => b.reports.length)).toEqual([MAX_USAGE_REPORTS_PER_BATCH, 3]);
  });

  it("sends nothing when nothing was counted", async () => {
    api = await startFakeApi();
    expect(await reporterFor(api, new UsageMeter()).flush()).toBe(true);
    expect(api.usageRequests).toHaveLength(0);
  });
});
