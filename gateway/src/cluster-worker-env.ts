/**
 * The internal environment the cluster primary gives each worker it forks
 * (cluster-worker-pool.ts): which worker it is (1…n; unset or 0 outside a
 * cluster) and how many there are. Its own module so that what reads it
 * (usage-journal.ts picks its file by the index) does not depend on the IPC
 * vocabulary.
 *
 *   const index = Number(process.env[WORKER_INDEX_ENV] ?? 0);
 */
export const WORKER_INDEX_ENV = "CARGO_GATEWAY_WORKER_INDEX";
export const WORKER_COUNT_ENV = "CARGO_GATEWAY_WORKER_COUNT";
