/**
 * What the account's usage views show for sessions still counting: D1 holds
 * a running session's totals as of its last fold, the account's ledger holds
 * them now. Both only ever grow, so each session shows the larger of the two
 * (a fold racing the read can neither hide a byte nor count one twice).
 */
import type { UsageSession } from "@cargo-vpn/shared";
import type { AppContext } from "../context";
import { type LiveSession, usageLedger } from "./usage-ledger";

export type LiveUsage = Map<string, LiveSession>;

export async function liveUsage(ctx: AppContext, accountId: string): Promise<LiveUsage> {
  const live = await usageLedger(ctx, accountId).live();
  return new Map(live.map((s) => [s.id, s]));
}

/** The ledger's sessions as one JSON parameter, [[id, up, down], …], for SQL that merges them (json_each). */
export function liveJson(live: LiveUsage): string {
  return JSON.stringify([...live.values()].map((s) => [s.id, s.bytesUp, s.bytesDown]));
}

export function withLive(view: UsageSession, live: LiveUsage): UsageSession {
  const now = live.get(view.id);
  if (!now) return view;
  return { ...view, bytesUp: Math.max(view.bytesUp, now.bytesUp), bytesDown: Math.max(view.bytesDown, now.bytesDown) };
}
