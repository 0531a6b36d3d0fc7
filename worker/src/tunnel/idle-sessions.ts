/**
 * Ending sessions that moved no traffic for the configured idle period, run by
 * the cron trigger. Gateways then drop them on their next heartbeat.
 */
import { and, isNull, lt } from "drizzle-orm";
import type { AppContext } from "../context";
import { tunnelSessions } from "../db/schema";

/** Returns how many sessions it ended. */
export async function endIdleSessions(ctx: AppContext, nowMs: number): Promise<number> {
  const { db } = ctx;
  const cutoff = nowMs - ctx.settings.sessionIdleMinutes * 60_000;
  const ended = await db
    .update(tunnelSessions)
    .set({ endedAt: nowMs })
    .where(and(isNull(tunnelSessions.endedAt), lt(tunnelSessions.lastActivityAt, cutoff)))
    .returning({ id: tunnelSessions.id });
  return ended.length;
}
