/**
 * What the cron trigger does: end idle tunnel sessions, delete usage records
 * past their retention and telemetry past 30 days, and forget applied
 * usage-batch ids once no gateway could still retry them, processed Stripe
 * event ids once Stripe could no longer redeliver them, expired email
 * link tokens, and expired two-factor sign-in challenges and enrolments; and
 * sign out the devices above a lowered plan's limit once its grace period has
 * ended, and email changes past their undo window.
 */
import { and, isNotNull, lt } from "drizzle-orm";
import { USAGE_BATCH_RETENTION_MS, WEBHOOK_EVENT_RETENTION_MS } from "./config";
import type { AppContext } from "./context";
import { billingEvents, tunnelSessions, usageBatches } from "./db/schema";
import { purgeOldTelemetry } from "./telemetry/telemetry";
import { endIdleSessions } from "./tunnel/idle-sessions";
import { purgeExpiredLinkTokens } from "./email/link-tokens";
import { purgeExpiredTwoFactorSteps } from "./two-factor/purge";
import { purgeExpiredPasskeySteps } from "./passkeys/steps";
import { enforceEndedGraces } from "./billing/downgrade-grace";
import { purgeEmailChanges } from "./accounts/email-change";

export async function housekeeping(ctx: AppContext, nowMs: number): Promise<{ idleSessionsEnded: number }> {
  const { db } = ctx;
  const idleSessionsEnded = await endIdleSessions(ctx, nowMs);
  const usageCutoff = nowMs - ctx.settings.usageRetentionDays * 24 * 60 * 60 * 1000;
  await db.batch([
    db.delete(tunnelSessions).where(and(isNotNull(tunnelSessions.endedAt), lt(tunnelSessions.endedAt, usageCutoff))),
    db.delete(usageBatches).where(lt(usageBatches.appliedAt, nowMs - USAGE_BATCH_RETENTION_MS)),
    db.delete(billingEvents).where(lt(billingEvents.receivedAt, nowMs - WEBHOOK_EVENT_RETENTION_MS)),
  ]);
  await purgeOldTelemetry(db, nowMs);
  await purgeExpiredLinkTokens(db, nowMs);
  await purgeExpiredTwoFactorSteps(db, nowMs);
  await purgeExpiredPasskeySteps(db, nowMs);
  await enforceEndedGraces(ctx, nowMs);
  await purgeEmailChanges(ctx, nowMs);
  return { idleSessionsEnded };
}
