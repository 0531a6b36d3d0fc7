/**
 * What the cron trigger does: end idle tunnel sessions, fold usage records
 * past their retention into per-day totals, prune refresh tokens, delete
 * telemetry past 30 days, and forget applied
 * usage-batch ids once no gateway could still retry them, processed Stripe
 * event ids once Stripe could no longer redeliver them, and expired email
 * link tokens.
 */
import { lt } from "drizzle-orm";
import { USAGE_BATCH_RETENTION_MS, WEBHOOK_EVENT_RETENTION_MS } from "./config";
import type { AppContext } from "./context";
import { billingEvents, usageBatches } from "./db/schema";
import { purgeOldTelemetry } from "./telemetry/telemetry";
import { endIdleSessions } from "./tunnel/idle-sessions";
import { purgeExpiredLinkTokens } from "./email/link-tokens";
import { foldOldSessions, pruneRefreshTokens } from "./usage/retention";

export async function housekeeping(ctx: AppContext, nowMs: number): Promise<{ idleSessionsEnded: number }> {
  const { db } = ctx;
  const idleSessionsEnded = await endIdleSessions(ctx, nowMs);
  await db.batch([
    db.delete(usageBatches).where(lt(usageBatches.appliedAt, nowMs - USAGE_BATCH_RETENTION_MS)),
    db.delete(billingEvents).where(lt(billingEvents.receivedAt, nowMs - WEBHOOK_EVENT_RETENTION_MS)),
  ]);
  await purgeOldTelemetry(db, nowMs);
  await purgeExpiredLinkTokens(db, nowMs);
  // Bounded storage (issue 17): old sessions into per-day totals, refresh tokens pruned.
  await foldOldSessions(ctx, nowMs);
  await pruneRefreshTokens(ctx, nowMs);
  return { idleSessionsEnded };
}
