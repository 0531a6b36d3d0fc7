/**
 * Applying a gateway's usage batch exactly once, in the accounts' usage
 * ledgers (usage/usage-ledger.ts), not in D1: one indexed D1 read finds which
 * account each reported session belongs to (and only sessions of this
 * gateway), then each account's ledger gets its share in one call, the calls
 * running in parallel, at most LEDGER_FANOUT at a time.
 *
 * Each ledger remembers the batch id, so when one ledger fails the whole
 * batch is answered 503 and the gateway retries it with the same id: the
 * ledgers that had it add nothing, the one that failed counts it then.
 */
import type { UsageReport } from "@cargo-vpn/shared";
import { LEDGER_FANOUT } from "../config";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import { type LedgerReport, meter, usageLedger } from "../usage/usage-ledger";

interface Owner {
  id: string;
  account_id: string;
  bytes_up: number;
  bytes_down: number;
}

/** Returns how many reports were applied now (0 when every ledger had applied the batch before). */
export async function applyUsageBatch(
  ctx: AppContext,
  gatewayId: string,
  batchId: string,
  reports: UsageReport[],
  nowMs = Date.now(),
): Promise<number> {
  if (reports.length === 0) return 0;
  // Late bytes of an ended session still count; a session of another gateway, or an unknown one, matches nothing.
  const owners = await ctx.env.DB.prepare(
    `SELECT id, account_id, bytes_up, bytes_down FROM tunnel_sessions
      WHERE gateway_id = ?1 AND id IN (SELECT value FROM json_each(?2))`,
  )
    .bind(gatewayId, JSON.stringify([...new Set(reports.map((r) => r.sessionId))]))
    .all<Owner>();
  const bySession = new Map(owners.results.map((o) => [o.id, o]));

  // Per account, per session: the summed deltas and how many reports they came from.
  const groups = new Map<string, Map<string, { report: LedgerReport; count: number }>>();
  for (const r of reports) {
    const owner = bySession.get(r.sessionId);
    if (!owner) continue;
    let sessions = groups.get(owner.account_id);
    if (!sessions) {
      sessions = new Map();
      groups.set(owner.account_id, sessions);
    }
    const entry = sessions.get(r.sessionId);
    if (entry) {
      entry.report[1] += r.bytesUp;
      entry.report[2] += r.bytesDown;
      entry.count++;
    } else {
      sessions.set(r.sessionId, { report: [r.sessionId, r.bytesUp, r.bytesDown, owner.bytes_up, owner.bytes_down], count: 1 });
    }
  }

  const work = [...groups].map(([accountId, sessions]) => async () => {
    const { applied, rowsWritten } = await usageLedger(ctx, accountId).apply(
      gatewayId,
      batchId,
      [...sessions.values()].map((s) => s.report),
      nowMs,
    );
    ledgerRowsWritten += rowsWritten;
    return applied ? [...sessions.values()].reduce((n, s) => n + s.count, 0) : 0;
  });
  let ledgerRowsWritten = 0;
  const results = await bounded(work, LEDGER_FANOUT);
  meter(ctx.env, {
    batches: 1,
    reports: reports.length,
    ledgerCalls: work.length,
    batchD1Queries: 1,
    batchD1RowsWritten: owners.meta.rows_written,
    ledgerDoRowsWritten: ledgerRowsWritten,
  });
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    console.error(JSON.stringify({ event: "usage_ledger_failed", ledgers: failed.length, of: results.length }));
    throw new Problem(
      "unavailable",
      "Part of this usage batch could not be applied. Send the same batch (same batchId) again: what was applied is not counted twice.",
      {},
      { "retry-after": "5" },
    );
  }
  return results.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0);
}

/** Runs every task, at most `limit` at once; settles like Promise.allSettled. */
async function bounded<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await tasks[i]!() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}
