/**
 * The cluster's /metrics text: every worker's newest figures (asked now;
 * the last ones known when a worker does not answer in time), the counters
 * of workers that exited, and the primary's own heartbeat and event loop.
 *
 *   admin metrics: () => clusterMetricsText(pool, heartbeat, loop)
 */
import type { WorkerPool } from "./cluster-worker-pool";
import type { Heartbeat } from "../api/heartbeat";
import { type EventLoopDelay, emptySnapshot, mergeSnapshots, type MetricsSnapshot } from "../admin/metrics";
import { renderMetrics } from "../admin/metrics-text";

export async function clusterMetricsText(pool: WorkerPool, heartbeat: Heartbeat, loop: EventLoopDelay): Promise<string> {
  // Each answer is kept the moment it arrives, so a worker that dies during the scrape is folded into
  // `retired` with its newest figures; and only the workers still running after the wait are summed,
  // so one that died meanwhile is not counted twice (once retired, once live: a total went 4 → 6).
  await Promise.all(
    pool.slots().map(async (slot) => {
      const answer = await pool.ask<MetricsSnapshot>(slot, "cargo:metrics");
      if (answer) slot.last = answer;
    }),
  );
  const live = pool.slots();
  const workers = live.filter((slot) => slot.last).map((slot) => ({ worker: slot.index, snapshot: slot.last! }));
  const own = {
    ...emptySnapshot(),
    heartbeatAgeSeconds: heartbeat.ageSeconds(),
    heartbeatFailures: heartbeat.failures,
    heartbeatsMissed: heartbeat.missedInARow,
    refusingNewFlows: heartbeat.refusingNewFlows ? 1 : 0,
    eventLoopDelay: loop.read(),
  };
  const total = mergeSnapshots([own, pool.retired, ...workers.map((w) => w.snapshot)]);
  return renderMetrics(total, { workers: workers.sort((a, b) => a.worker - b.worker), workerCount: live.filter((s) => s.ready).length });
}
