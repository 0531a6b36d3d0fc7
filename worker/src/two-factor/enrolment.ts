/**
 * Turning two-factor sign-in on and off, signed in (the /v1/me/two-factor
 * routes): start (the password proved again → a new secret and its
 * otpauth:// URI), confirm with a first code (→ on, and ten recovery codes
 * shown once), replace the recovery codes, turn it off. Changing anything
 * needs the password (authKey) and, once it is on, a current code; a wrong
 * one changes nothing and counts against the account's code limit.
 *
 *   const { secret, otpauthUri } = await startTotpEnrolment(ctx, row, deviceId, authKey, client);
 *   const { recoveryCodes } = await confirmTotpEnrolment(ctx, row, code);
 */
import type { RecoveryCodesResponse, TotpEnrolResponse, TwoFactorStatusResponse } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import type { AccountRow } from "../accounts/accounts";
import { proveOwnAuthKey } from "../auth/sign-in";
import { TOTP_DIGITS, TOTP_ENROLMENT_TTL_MS, TOTP_PERIOD_SECONDS } from "../constants";
import type { AppContext } from "../context";
import { recoveryCodes, signInChallenges, twoFactor } from "../db/schema";
import { Problem } from "../problem";
import { codeAccepted, codeRefused, takeCodeAttempt } from "./code-limiter";
import { noticeTwoFactorDisabled, noticeTwoFactorEnabled } from "./notices";
import { recoveryCodesLeft, replacementCodes } from "./recovery-codes";
import { newTotpSecret, otpauthUri } from "./totp";
import { acceptTotpCode, storePendingSecret, type TwoFactorRow, twoFactorRow } from "./totp-store";

export async function twoFactorStatus(ctx: AppContext, row: AccountRow): Promise<TwoFactorStatusResponse> {
  const stored = await twoFactorRow(ctx.db, row.id);
  const enabled = stored?.enabledAt != null;
  return {
    enabled,
    enabledAt: enabled ? new Date(stored.enabledAt!).toISOString() : null,
    recoveryCodesLeft: enabled ? await recoveryCodesLeft(ctx.db, row.id) : 0,
  };
}

const alreadyOn = () =>
  new Problem("two_factor_enabled", "Two-factor sign-in is already on. Turn it off first to enrol a new authenticator app.");
const notOn = (detail = "Two-factor sign-in is not on for this account.") => new Problem("two_factor_not_enabled", detail);

/** Re-proves the password, the way changing the address or erasing does (the signed-in device skips the username's back-off). */
async function provePassword(ctx: AppContext, row: AccountRow, deviceId: string, authKey: string, clientAddress: string) {
  await proveOwnAuthKey(ctx, row, authKey, clientAddress, deviceId);
}

export async function startTotpEnrolment(
  ctx: AppContext,
  row: AccountRow,
  deviceId: string,
  authKey: string,
  clientAddress: string,
  accountName?: string,
): Promise<TotpEnrolResponse> {
  await provePassword(ctx, row, deviceId, authKey, clientAddress);
  const keys = await ctx.keys();
  const secret = newTotpSecret();
  const now = Date.now();
  if (!(await storePendingSecret(ctx.db, keys, row, secret, now))) throw alreadyOn();
  return {
    secret,
    // The server cannot read the username (issue 18 item 5): the label is the one the client sent, or the product's.
    otpauthUri: otpauthUri(secret, accountName ?? "Cargo VPN account"),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    expiresAt: new Date(now + TOTP_ENROLMENT_TTL_MS).toISOString(),
  };
}

/** A right code turns it on and hands out the recovery codes; a wrong or stale one changes nothing. */
export async function confirmTotpEnrolment(ctx: AppContext, row: AccountRow, code: string): Promise<RecoveryCodesResponse> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const stored = await twoFactorRow(db, row.id);
  if (stored?.enabledAt != null) throw alreadyOn();
  if (!stored || stored.startedAt <= Date.now() - TOTP_ENROLMENT_TTL_MS) {
    throw notOn("No enrolment is waiting for a code (none was started, or it expired). Start again.");
  }
  await takeCodeAttempt(ctx, row.id);
  const check = await acceptTotpCode(db, keys, row, stored, code, { enable: true });
  if (check !== "ok") throw codeRefused("That code is not the one the app shows now. Check the app and the device's clock.");
  await codeAccepted(ctx, row.id);
  const { codes, statements } = await replacementCodes(db, keys, row.id);
  await db.batch(statements);
  await noticeTwoFactorEnabled(ctx, row);
  return { recoveryCodes: codes };
}

/** The password and a current code, for turning it off or replacing the recovery codes. */
async function proveBothFactors(
  ctx: AppContext,
  row: AccountRow,
  deviceId: string,
  proof: { authKey: string; code: string },
  clientAddress: string,
): Promise<TwoFactorRow> {
  await provePassword(ctx, row, deviceId, proof.authKey, clientAddress);
  const stored = await twoFactorRow(ctx.db, row.id);
  if (stored?.enabledAt == null) throw notOn();
  await takeCodeAttempt(ctx, row.id);
  const check = await acceptTotpCode(ctx.db, await ctx.keys(), row, stored, proof.code);
  if (check === "wrong") throw codeRefused("That code is not the one the app shows now.");
  if (check === "reused") throw codeRefused("That code was already used. Wait for the next one.");
  await codeAccepted(ctx, row.id);
  return stored;
}

export async function disableTwoFactor(
  ctx: AppContext,
  row: AccountRow,
  deviceId: string,
  proof: { authKey: string; code: string },
  clientAddress: string,
): Promise<void> {
  const { db } = ctx;
  await proveBothFactors(ctx, row, deviceId, proof, clientAddress);
  await db.batch([
    db.delete(recoveryCodes).where(eq(recoveryCodes.accountId, row.id)),
    db.delete(signInChallenges).where(eq(signInChallenges.accountId, row.id)),
    db.delete(twoFactor).where(eq(twoFactor.accountId, row.id)),
  ]);
  await noticeTwoFactorDisabled(ctx, row);
}

export async function regenerateRecoveryCodes(
  ctx: AppContext,
  row: AccountRow,
  deviceId: string,
  proof: { authKey: string; code: string },
  clientAddress: string,
): Promise<RecoveryCodesResponse> {
  await proveBothFactors(ctx, row, deviceId, proof, clientAddress);
  const { codes, statements } = await replacementCodes(ctx.db, await ctx.keys(), row.id);
  await ctx.db.batch(statements);
  return { recoveryCodes: codes };
}
