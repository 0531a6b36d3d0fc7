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
  const live = pool.slots();
  const answers = await Promise.all(live.map((slot) => pool.ask<MetricsSnapshot>(slot, "cargo:metrics")));
  live.forEach((slot, i) => {
    if (answers[i]) slot.last = answers[i];
  });
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
