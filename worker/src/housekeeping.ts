/**
 * What the cron trigger does: end idle tunnel sessions and forget applied
 * usage-batch ids once no gateway could still retry them.
 */
import { lt } from "drizzle-orm";
import { USAGE_BATCH_RETENTION_MS } from "./config";
import { database } from "./db/client";
import { usageBatches } from "./db/schema";
import type { Env } from "./env";
import { endIdleSessions } from "./tunnel/idle-sessions";

export async function housekeeping(env: Env, nowMs: number): Promise<{ idleSessionsEnded: number }> {
  const db = database(env);
  const idleSessionsEnded = await endIdleSessions(env, db, nowMs);
  await db.delete(usageBatches).where(lt(usageBatches.appliedAt, nowMs - USAGE_BATCH_RETENTION_MS));
  return { idleSessionsEnded };
}
