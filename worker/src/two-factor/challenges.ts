/**
 * The short-lived challenge between the two steps of a two-factor sign-in:
 * POST /v1/auth/login proved the password and gets a random 256-bit token;
 * POST /v1/auth/second-factor brings it back with a code. Stored are only the
 * token's hash, the account, the device it signs in (sealed with the
 * account's data key: the label is the person's words) and the expiry. It is
 * deleted when used, so it works once; an expired one never works.
 */
import type { SignInRequest } from "@cargo-vpn/shared";
import { and, eq, gt, lte } from "drizzle-orm";
import type { z } from "zod";
import { type AccountRow, dataKeyOf } from "../accounts/accounts";
import { SIGN_IN_CHALLENGE_TTL_MS } from "../constants";
import { decryptField, encryptField } from "../crypto/envelope";
import { randomToken, tokenHash } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { signInChallenges } from "../db/schema";
import { Problem } from "../problem";

/** A sign-in request as validation leaves it (auth/sign-in.ts `SignInInput`). */
type SignInInput = z.output<typeof SignInRequest>;

/** What the second step needs to finish the sign-in the first one started. */
export type PendingSignIn = Pick<SignInInput, "replaceDevice" | "usernameSealed"> & {
  device: Omit<SignInInput["device"], "secret">;
  /** The device secret's hash, never the secret (absent from challenges sealed before device secrets). */
  deviceSecretHash?: string | null;
};

const FIELD = "sign-in-challenge";

export async function issueChallenge(db: Db, keys: ServerKeys, row: AccountRow, pending: PendingSignIn, nowMs = Date.now()) {
  const token = randomToken();
  const sealed = await encryptField(await dataKeyOf(keys, row), row.id, FIELD, JSON.stringify(pending));
  const expiresAt = nowMs + SIGN_IN_CHALLENGE_TTL_MS;
  await db.batch([
    // The account's expired challenges go when a new one comes, so none lingers past its use.
    db.delete(signInChallenges).where(and(eq(signInChallenges.accountId, row.id), lte(signInChallenges.expiresAt, nowMs))),
    db.insert(signInChallenges).values({ tokenHash: await tokenHash(token), accountId: row.id, requestCiphertext: sealed, expiresAt }),
  ]);
  return { challenge: token, challengeExpiresAt: new Date(expiresAt).toISOString() };
}

export const invalidChallenge = () =>
  new Problem("invalid_challenge", "This sign-in step has expired or was already used. Sign in again with your password.");

/** The live challenge's account id, without using it up; 401 invalid_challenge when unknown, used or expired. */
export async function liveChallenge(
  db: Db,
  token: string,
  nowMs = Date.now(),
): Promise<{ accountId: string; requestCiphertext: string; passkeyVerifiedAt: number | null }> {
  const found = await db
    .select({
      accountId: signInChallenges.accountId,
      requestCiphertext: signInChallenges.requestCiphertext,
      passkeyVerifiedAt: signInChallenges.passkeyVerifiedAt,
    })
    .from(signInChallenges)
    .where(and(eq(signInChallenges.tokenHash, await tokenHash(token)), gt(signInChallenges.expiresAt, nowMs)))
    .get();
  if (!found) throw invalidChallenge();
  return found;
}

export async function openPendingSignIn(keys: ServerKeys, row: AccountRow, requestCiphertext: string): Promise<PendingSignIn> {
  return JSON.parse(await decryptField(await dataKeyOf(keys, row), row.id, FIELD, requestCiphertext)) as PendingSignIn;
}

/** Uses the challenge up in one conditional DELETE: of two concurrent completions only one gets past this. */
export async function consumeChallenge(db: Db, token: string, nowMs = Date.now()): Promise<void> {
  const gone = await db
    .delete(signInChallenges)
    .where(and(eq(signInChallenges.tokenHash, await tokenHash(token)), gt(signInChallenges.expiresAt, nowMs)))
    .returning({ accountId: signInChallenges.accountId });
  if (gone.length !== 1) throw invalidChallenge();
}
