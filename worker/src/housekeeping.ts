/**
 * What the cron trigger does: end idle tunnel sessions, fold usage records
 * past their retention into per-day totals, prune refresh tokens, delete
 * telemetry past 30 days, and forget processed Stripe
 * event ids once Stripe could no longer redeliver them (usage-batch ids are
 * forgotten by each gateway's usage intake at its alarm), expired email
 * link tokens, and expired two-factor sign-in challenges and enrolments; and
 * sign out the devices above a lowered plan's limit once its grace period has
 * ended, and email changes past their undo window.
 */
import { lt } from "drizzle-orm";
import { WEBHOOK_EVENT_RETENTION_MS } from "./constants";
import type { AppContext } from "./context";
import { billingEvents } from "./db/schema";
import { purgeOldTelemetry } from "./telemetry/telemetry";
import { endIdleSessions } from "./tunnel/idle-sessions";
import { purgeExpiredLinkTokens } from "./email/link-tokens";
import { purgeExpiredTwoFactorSteps } from "./two-factor/purge";
import { purgeExpiredPasskeySteps } from "./passkeys/steps";
import { enforceEndedGraces } from "./billing/downgrade-grace";
import { purgeEmailChanges } from "./accounts/email-change";
import { foldOldSessions, pruneRefreshTokens } from "./usage/retention";

export async function housekeeping(ctx: AppContext, nowMs: number): Promise<{ idleSessionsEnded: number }> {
  const { db } = ctx;
  const idleSessionsEnded = await endIdleSessions(ctx, nowMs);
  await db.delete(billingEvents).where(lt(billingEvents.receivedAt, nowMs - WEBHOOK_EVENT_RETENTION_MS));
  await purgeOldTelemetry(db, nowMs);
  await purgeExpiredLinkTokens(db, nowMs);
  await purgeExpiredTwoFactorSteps(db, nowMs);
  await purgeExpiredPasskeySteps(db, nowMs);
  await enforceEndedGraces(ctx, nowMs);
  await purgeEmailChanges(ctx, nowMs);
  // Bounded storage (issue 17): old sessions into per-day totals, refresh tokens pruned.
  await foldOldSessions(ctx, nowMs);
  await pruneRefreshTokens(ctx, nowMs);
  return { idleSessionsEnded };
}
