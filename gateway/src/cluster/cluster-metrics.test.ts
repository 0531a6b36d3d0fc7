/** The cluster's summed /metrics when a worker dies in the middle of a scrape. */
import { describe, expect, it } from "vitest";
import type { Heartbeat } from "../api/heartbeat";
import { emptySnapshot, type EventLoopDelay, type MetricsSnapshot } from "../admin/metrics";
import { clusterMetricsText } from "./cluster-metrics";
import type { Slot, WorkerPool } from "./cluster-worker-pool";

const flows = (n: number): MetricsSnapshot => ({ ...emptySnapshot(), flowsOpened: n });
const total = (text: string) => Number(/^cargo_gateway_flows_opened_total (\d+)$/m.exec(text)?.[1]);

/** Two workers, two flows each; worker 1 dies while its answer is awaited, as the exit handler would fold it. */
function poolWhereOneDiesMidScrape() {
  const slots = [1, 2].map((index) => ({ index, ready: true, startedAtMs: 0, last: flows(2) }) as unknown as Slot);
  const pool = {
    retired: emptySnapshot(),
    slots: () => [...slots],
    async ask(slot: Slot) {
      if (slot.index !== 1) return flows(2);
      // The exit handler: out of the pool, its last figures into retired; no answer comes.
      slots.splice(slots.indexOf(slot), 1);
      pool.retired = { ...pool.retired, flowsOpened: pool.retired.flowsOpened + slot.last!.flowsOpened };
      return null;
    },
  };
  return pool;
}

describe("clusterMetricsText", () => {
  it("counts a worker that died during the scrape once, in the retired counters, not also as live", async () => {
    const pool = poolWhereOneDiesMidScrape();
    const heartbeat = { ageSeconds: () => 0, failures: 0, missedInARow: 0, refusingNewFlows: false } as unknown as Heartbeat;
    const loop = { read: () => ({ p50: 0, p99: 0, max: 0 }) } as unknown as EventLoopDelay;
    const text = await clusterMetricsText(pool as unknown as WorkerPool, heartbeat, loop);
    expect(total(text)).toBe(4);
  });
});
