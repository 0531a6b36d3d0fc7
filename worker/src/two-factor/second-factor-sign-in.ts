/**
 * The second step of a two-factor sign-in (POST /v1/auth/second-factor): the
 * challenge from the first step and a TOTP code or a recovery code. Checked
 * in this order, so that a refusal changes nothing it should not: the
 * challenge must be live (not used, not expired); the attempt is counted
 * against the account's code limit (429 once it is full); the code must be
 * right and unused (a right one is spent and its attempt given back); then
 * the challenge is used up and the sign-in finishes as a one-factor one would.
 * With `passkey: true` the passkey was used on /account/passkey-sign-in
 * (passkeys/sign-in.ts): until then the answer is 401 second_factor_pending.
 */
import type { SecondFactorRequest, TokenResponse } from "@cargo-vpn/shared";
import type { z } from "zod";
import type { AccountRow } from "../accounts/accounts";
import { findWithBilling } from "../accounts/account-view";
import type { SubscriptionRow } from "../billing/subscription-store";
import { finishSignIn } from "../auth/sign-in";
import type { AppContext } from "../context";
import { consumeChallenge, invalidChallenge, liveChallenge, openPendingSignIn, type PendingSignIn } from "./challenges";
import { codeAccepted, codeRefused, takeCodeAttempt } from "./code-limiter";
import { recoveryCodesLeft, spendRecoveryCode } from "./recovery-codes";
import { acceptTotpCode, twoFactorRow } from "./totp-store";
import { Problem } from "../problem";

export type SecondFactorInput = z.output<typeof SecondFactorRequest>;

export interface SecondFactorSignIn {
  signedIn: TokenResponse;
  row: AccountRow;
  /** Set when a recovery code was spent: the device it signed in and how many codes are left. */
  recoveryCodeUsed: { device: PendingSignIn["device"]; codesLeft: number } | null;
}

export async function completeSecondFactor(ctx: AppContext, input: SecondFactorInput): Promise<SecondFactorSignIn> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const live = await liveChallenge(db, input.challenge);
  const found = await findWithBilling(db, live.accountId);
  const row = found?.row;
  if (input.passkey) return completeWithPasskey(ctx, input.challenge, found, live);
  const stored = row && (await twoFactorRow(db, row.id));
  // Two-factor turned off (or the account erased) since the first step: that sign-in is void.
  if (!row || stored?.enabledAt == null) throw invalidChallenge();
  const pending = await openPendingSignIn(keys, row, live.requestCiphertext);
  await takeCodeAttempt(ctx, row.id);

  if (input.code !== undefined) {
    const check = await acceptTotpCode(db, keys, row, stored, input.code);
    if (check === "wrong") throw codeRefused("That code is wrong or expired. Type the one the app shows now.");
    if (check === "reused") throw codeRefused("That code was already used. Wait for the next one.");
  } else if (!(await spendRecoveryCode(db, keys, row.id, input.recoveryCode!))) {
    throw codeRefused("That is not one of this account's unused recovery codes.");
  }
  await codeAccepted(ctx, row.id);

  await consumeChallenge(db, input.challenge);
  const signedIn = await finishSignIn(ctx, row, pending, found.billing);
  const recoveryCodeUsed =
    input.recoveryCode !== undefined ? { device: pending.device, codesLeft: await recoveryCodesLeft(db, row.id) } : null;
  return { signedIn, row, recoveryCodeUsed };
}

async function completeWithPasskey(
  ctx: AppContext,
  challenge: string,
  found: { row: AccountRow; billing: SubscriptionRow | null } | undefined,
  live: { requestCiphertext: string; passkeyVerifiedAt: number | null },
): Promise<SecondFactorSignIn> {
  if (!found) throw invalidChallenge();
  const { row, billing } = found;
  if (live.passkeyVerifiedAt === null) {
    throw new Problem(
      "second_factor_pending",
      "The passkey has not been used yet. Finish on the page the extension opened, then try again.",
    );
  }
  const pending = await openPendingSignIn(await ctx.keys(), row, live.requestCiphertext);
  await consumeChallenge(ctx.db, challenge);
  return { signedIn: await finishSignIn(ctx, row, pending, billing), row, recoveryCodeUsed: null };
}
