/**
 * For the cron trigger: sign-in challenges past their expiry, and enrolments
 * started but never confirmed within their time, are deleted, so nothing of a
 * step nobody finished outlives it.
 */
import { and, isNull, lte } from "drizzle-orm";
import { TOTP_ENROLMENT_TTL_MS } from "../constants";
import type { Db } from "../db/client";
import { signInChallenges, twoFactor } from "../db/schema";

export async function purgeExpiredTwoFactorSteps(db: Db, nowMs: number): Promise<void> {
  await db.batch([
    db.delete(signInChallenges).where(lte(signInChallenges.expiresAt, nowMs)),
    db.delete(twoFactor).where(and(isNull(twoFactor.enabledAt), lte(twoFactor.startedAt, nowMs - TOTP_ENROLMENT_TTL_MS))),
  ]);
}
