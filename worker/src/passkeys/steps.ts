/**
 * The one-time steps of the passkey flows in `webauthn_challenges`, each
 * stored only as the SHA-256 of its secret: a registration ticket, and the
 * WebAuthn challenges of a registration or of a passkey sign-in. `take`
 * uses one up in a single conditional DELETE, so of two concurrent uses
 * only one gets through; an expired one never works.
 */
import { and, eq, gt, lte } from "drizzle-orm";
import { tokenHash } from "../crypto/keyed-hash";
import type { Db } from "../db/client";
import { webauthnChallenges } from "../db/schema";

export type StepPurpose = "ticket" | "register" | "sign-in";

export async function putStep(
  db: Db,
  secret: string,
  accountId: string,
  purpose: StepPurpose,
  ttlMs: number,
  signInHash: string | null = null,
  nowMs = Date.now(),
): Promise<number> {
  const expiresAt = nowMs + ttlMs;
  await db.batch([
    // The account's expired steps go when a new one comes, so none lingers past its time.
    db.delete(webauthnChallenges).where(and(eq(webauthnChallenges.accountId, accountId), lte(webauthnChallenges.expiresAt, nowMs))),
    db.insert(webauthnChallenges).values({ challengeHash: await tokenHash(secret), accountId, purpose, signInHash, expiresAt }),
  ]);
  return expiresAt;
}

function live(hash: string, purpose: StepPurpose, nowMs: number) {
  return and(eq(webauthnChallenges.challengeHash, hash), eq(webauthnChallenges.purpose, purpose), gt(webauthnChallenges.expiresAt, nowMs));
}

/** The live step's account and sign-in link, without using it up. */
export async function peekStep(db: Db, secret: string, purpose: StepPurpose, nowMs = Date.now()) {
  return db
    .select({ accountId: webauthnChallenges.accountId, signInHash: webauthnChallenges.signInHash })
    .from(webauthnChallenges)
    .where(live(await tokenHash(secret), purpose, nowMs))
    .get();
}

/** Uses the step up; its account id, or null when it was unknown, used or expired. */
export async function takeStep(db: Db, secret: string, purpose: StepPurpose, nowMs = Date.now()): Promise<string | null> {
  const gone = await db
    .delete(webauthnChallenges)
    .where(live(await tokenHash(secret), purpose, nowMs))
    .returning({ accountId: webauthnChallenges.accountId });
  return gone.length === 1 ? gone[0]!.accountId : null;
}

/** For the cron trigger: every expired step. */
export async function purgeExpiredPasskeySteps(db: Db, nowMs: number): Promise<void> {
  await db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, nowMs));
}
