/**
 * Taking a gateway's usage batch exactly once: one indexed D1 read keeps the
 * reports of sessions this gateway carries (late bytes of an ended session
 * still count; another gateway's or an unknown session matches nothing), and
 * one call hands the batch to the gateway's usage intake
 * (usage/usage-intake.ts), which stores it as one row keyed by its batch id
 * and folds it into D1 later. A batch the intake did not take is answered 503;
 * the gateway retries it with the same id, and a batch taken before counts
 * nothing again.
 */
import type { UsageReport } from "@cargo-vpn/shared";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import { type IntakeReport, usageIntake } from "../usage/usage-intake";
import { meter } from "../usage/meter";

/** Returns how many reports were taken now (0 when the intake had taken this batch before). */
export async function applyUsageBatch(
  ctx: AppContext,
  gatewayId: string,
  batchId: string,
  reports: UsageReport[],
  nowMs = Date.now(),
): Promise<number> {
  if (reports.length === 0) return 0;
  const owned = await ctx.env.DB.prepare("SELECT id FROM tunnel_sessions WHERE gateway_id = ?1 AND id IN (SELECT value FROM json_each(?2))")
    .bind(gatewayId, JSON.stringify([...new Set(reports.map((r) => r.sessionId))]))
    .all<{ id: string }>();
  const carried = new Set(owned.results.map((o) => o.id));

  // Per session: the summed deltas; `counted` is how many reports they came from.
  const sums = new Map<string, IntakeReport>();
  let counted = 0;
  for (const r of reports) {
    if (!carried.has(r.sessionId)) continue;
    counted++;
    const sum = sums.get(r.sessionId);
    if (sum) {
      sum[1] += r.bytesUp;
      sum[2] += r.bytesDown;
    } else sums.set(r.sessionId, [r.sessionId, r.bytesUp, r.bytesDown]);
  }
  if (counted === 0) return 0;

  let answer: { taken: boolean; rowsWritten: number };
  try {
    answer = await usageIntake(ctx, gatewayId).take(batchId, [...sums.values()], nowMs);
  } catch (error) {
    console.error(JSON.stringify({ event: "usage_intake_failed", error: String(error) }));
    throw new Problem(
      "unavailable",
      "This usage batch could not be stored. Send the same batch (same batchId) again: it is counted once.",
      {},
      { "retry-after": "5" },
    );
  }
  meter(ctx.env, {
    batches: 1,
    reports: reports.length,
    intakeCalls: 1,
    batchD1Queries: 1,
    batchD1RowsWritten: owned.meta.rows_written,
    intakeDoRowsWritten: answer.rowsWritten,
  });
  return answer.taken ? counted : 0;
}
