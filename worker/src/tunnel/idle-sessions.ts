/**
 * Ending sessions that moved no traffic for the configured idle period, run by
 * the cron trigger. Gateways then drop them on their next heartbeat.
 */
import { and, isNull, lt } from "drizzle-orm";
import { DEFAULT_SESSION_IDLE_MINUTES } from "../config";
import type { Db } from "../db/client";
import { tunnelSessions } from "../db/schema";
import type { Env } from "../env";

export function idleMinutes(env: Env): number {
  const configured = Number(env.SESSION_IDLE_MINUTES);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_SESSION_IDLE_MINUTES;
}

/** Returns how many sessions it ended. */
export async function endIdleSessions(env: Env, db: Db, nowMs: number): Promise<number> {
  const cutoff = nowMs - idleMinutes(env) * 60_000;
  const ended = await db
    .update(tunnelSessions)
    .set({ endedAt: nowMs })
    .where(and(isNull(tunnelSessions.endedAt), lt(tunnelSessions.lastActivityAt, cutoff)))
    .returning({ id: tunnelSessions.id });
  return ended.length;
}
