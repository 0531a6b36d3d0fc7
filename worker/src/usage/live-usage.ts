/**
 * What the account's usage views show for sessions whose latest bytes are
 * still in a gateway's usage intake (usage/usage-intake.ts): D1's totals plus
 * what the intake holds that D1 has not counted yet. Exact even when a fold
 * lands between the two reads, as long as the intakes are read first: each
 * session's `usage_fold` in D1, read after, says which of the intake's shares
 * D1 already holds (the fold in flight once usage_fold reached its seq; the
 * newer bytes once usage_fold passed the newest fold made, because the next
 * fold takes every batch taken before it).
 */
import type { UsageSession } from "@cargo-vpn/shared";
import { REVOCATION_HORIZON_MS } from "../constants";
import type { AppContext } from "../context";
import { type UnfoldedRow, usageIntake } from "./usage-intake";

export type LiveUsage = Map<string, UnfoldedRow>;

/** Intakes hold a session's bytes at most a fold interval or two after its last report; ended ones get late bytes for a while. */
const LIVE_AFTER_END_MS = REVOCATION_HORIZON_MS + 60 * 60 * 1000;

/** What the intakes hold for the account's open and recently ended sessions. Read it before the D1 rows it adds to. */
export async function liveUsage(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<LiveUsage> {
  const recent = await ctx.env.DB.prepare(
    "SELECT id, gateway_id AS gatewayId FROM tunnel_sessions WHERE account_id = ?1 AND (ended_at IS NULL OR ended_at > ?2)",
  )
    .bind(accountId, nowMs - LIVE_AFTER_END_MS)
    .all<{ id: string; gatewayId: string }>();
  return liveOf(ctx, recent.results);
}

/** What the intakes hold for these sessions: one call per gateway they run on. */
export async function liveOf(ctx: AppContext, sessions: { id: string; gatewayId: string }[]): Promise<LiveUsage> {
  const byGateway = new Map<string, string[]>();
  for (const s of sessions) byGateway.set(s.gatewayId, [...(byGateway.get(s.gatewayId) ?? []), s.id]);
  const answers = await Promise.all([...byGateway].map(([gatewayId, ids]) => usageIntake(ctx, gatewayId).unfolded(ids)));
  // RPC types a tuple's elements loosely; the intake answers UnfoldedRow.
  return new Map((answers.flat() as UnfoldedRow[]).map((row) => [row[0], row]));
}

/** The intakes' rows as one JSON parameter, for SQL that adds them (json_each; see `addLiveSql`). */
export function liveJson(live: LiveUsage): string {
  return JSON.stringify([...live.values()]);
}

/**
 * SQL for a session's bytes with what the intakes hold added: `t` is the tunnel_sessions row, `l` the
 * LEFT JOINed json_each row of `liveJson` (NULLs when it has none: the CASEs add 0).
 */
export function addLiveSql(column: "up" | "down"): string {
  const [bytes, pending, since] = column === "up" ? ["bytes_up", "$[2]", "$[5]"] : ["bytes_down", "$[3]", "$[6]"];
  return `t.${bytes}
    + CASE WHEN t.usage_fold < json_extract(l.value, '$[1]') THEN json_extract(l.value, '${pending}') ELSE 0 END
    + CASE WHEN t.usage_fold <= json_extract(l.value, '$[4]') THEN json_extract(l.value, '${since}') ELSE 0 END`;
}

/** A session's view with what the intakes hold added; `usageFold` is its D1 row's, read after `live`. */
export function withLive(view: UsageSession, usageFold: number, live: LiveUsage): UsageSession {
  const row = live.get(view.id);
  if (!row) return view;
  const [, pendingSeq, pendingUp, pendingDown, lastSeq, up, down] = row;
  const pending = usageFold < pendingSeq;
  const since = usageFold <= lastSeq;
  return {
    ...view,
    bytesUp: view.bytesUp + (pending ? pendingUp : 0) + (since ? up : 0),
    bytesDown: view.bytesDown + (pending ? pendingDown : 0) + (since ? down : 0),
  };
}
