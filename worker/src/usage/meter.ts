/**
 * The scale bench's counters (USAGE_METER_LOG=1 only): batches, intake calls
 * and alarms, folds, D1 queries and rows written (D1's own meta.rows_written)
 * and the intakes' SQLite rows written, summed per isolate and logged as one
 * line at most every METER_LOG_MS. Counts only, nothing about any account.
 */
import type { Env } from "../env";

const METER_LOG_MS = 2000;
const tally: Record<string, number> = {};
let tallySince = Date.now();

export function meter(env: Env, counts: Record<string, number>): void {
  if (env.USAGE_METER_LOG !== "1") return;
  for (const [name, n] of Object.entries(counts)) tally[name] = (tally[name] ?? 0) + n;
  if (Date.now() - tallySince < METER_LOG_MS) return;
  console.log(JSON.stringify({ event: "usage_meter", ...tally }));
  for (const name of Object.keys(tally)) delete tally[name];
  tallySince = Date.now();
}
