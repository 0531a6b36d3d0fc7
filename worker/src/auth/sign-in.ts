/**
 * The server half of the zero-knowledge sign-in (docs/api.md): prelogin, sign-in,
 * token refresh and sign-out. An account with two-factor sign-in on gets a
 * challenge instead of tokens (401 second_factor_required); the second step
 * (two-factor/second-factor-sign-in.ts) ends in `finishSignIn` like any other. The server only ever sees the authKey, checks it
 * against a keyed verifier in constant time, and never stores or logs it.
 */
import { KDF_NAME, type SignInRequest, type TokenResponse } from "@cargo-vpn/shared";
import type { z } from "zod";
import { and, eq, sql } from "drizzle-orm";
import { ACCESS_TOKEN_TTL_SECONDS, planFor } from "../config";
import { accountView, findByUsername, type AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import { constantTimeEqual } from "../crypto/constant-time";
import { authVerifier, blindIndex, clientHash, fakeSalt, tokenHash } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import { signAccessToken } from "../crypto/tokens";
import type { Db } from "../db/client";
import { accounts, refreshTokens, signIns, subscriptions } from "../db/schema";
import { deviceSlots, type StoredDevice } from "../devices/device-slots";
import { deviceView, keyRef, signOutDevice } from "../devices/devices";
import type { AuthContext } from "../env";
import { Problem } from "../problem";
import { recordSignInFailure, signInThrottled, signInWaits } from "../throttle/sign-in-limiter";
import { limitClient } from "../throttle/client-limits";
import { issueChallenge, type PendingSignIn } from "../two-factor/challenges";
import { twoFactorEnabledSql } from "../two-factor/totp-store";
import { adoptSealedUsername } from "../accounts/username-sealed";
import { passkeyCountSql } from "../passkeys/store";
import { passkeySignInUrl } from "../passkeys/relying-party";
import { decoyIterations } from "./prelogin-decoy";
import { issueRefreshToken, newRefreshToken, redeemQuery, refreshTokenRow } from "./refresh-tokens";
import { type SubscriptionRow, subscriptionOf, subscriptionView } from "../billing/subscription-store";
import type { Subscription } from "@cargo-vpn/shared";

/**
 * KDF parameters for a username, after counting the call against the client's
 * prelogin ceiling. Unknown names get a salt derived from the name (stable and
 * indistinguishable from a real one) and an iteration count drawn from the
 * counts real accounts use, so the answer does not tell whether the name exists.
 */
export async function prelogin(ctx: AppContext, username: string, clientAddress: string) {
  const { db } = ctx;
  const keys = await ctx.keys();
  await limitClient(ctx, "prelogin", clientAddress);
  const row = await findByUsername(db, keys, username);
  if (!row) {
    const [salt, iterations] = await Promise.all([fakeSalt(keys.index, username), decoyIterations(db, keys, username)]);
    return { kdf: KDF_NAME, iterations, salt } as const;
  }
  return { kdf: KDF_NAME, iterations: row.kdfIterations, salt: row.kdfSalt } as const;
}

/** A sign-in request as validation leaves it (username normalised, device label cleaned). */
export type SignInInput = z.output<typeof SignInRequest>;

const WRONG = "The username or password is wrong.";

/**
 * An account being signed in, with what the sign-in decides on, read in one
 * query: its billing row (the subscription the answer shows), whether
 * two-factor sign-in is on, and how many passkeys it has.
 */
interface SignInAccount {
  row: AccountRow;
  billing: SubscriptionRow | null;
  totp: boolean;
  passkeys: number;
}

async function findForSignIn(db: Db, usernameIndex: string): Promise<SignInAccount | undefined> {
  const found = await db
    .select({ row: accounts, billing: subscriptions, totp: twoFactorEnabledSql(accounts.id), passkeys: passkeyCountSql(accounts.id) })
    .from(accounts)
    .leftJoin(subscriptions, eq(subscriptions.accountId, accounts.id))
    .where(eq(accounts.usernameIndex, usernameIndex))
    .get();
  return found && { ...found, totp: Boolean(found.totp), passkeys: Number(found.passkeys) };
}

/**
 * The account if `authKey` is its key; otherwise 401 invalid_credentials, the
 * failure counted against the username and the client (429 once they run out).
 * `deviceId`, when it holds one of the account's slots (it proved the password
 * before), lets the attempt past the username's back-off, never past the
 * per-client limits.
 */
async function proveAuthKey(
  ctx: AppContext,
  username: string,
  authKey: string,
  clientAddress: string,
  deviceId?: string,
): Promise<SignInAccount> {
  const keys = await ctx.keys();
  return proveAuthKeyAt(ctx, await blindIndex(keys.index, "username", username), authKey, clientAddress, deviceId);
}

/**
 * The signed-in account re-proving its password (changing it or the address,
 * erasing, two-factor changes): the same check and counters as sign-in, found
 * by the row's blind index, so the server never needs the name itself.
 */
export async function proveOwnAuthKey(ctx: AppContext, row: AccountRow, authKey: string, clientAddress: string, deviceId: string) {
  return (await proveAuthKeyAt(ctx, row.usernameIndex, authKey, clientAddress, deviceId)).row;
}

async function proveAuthKeyAt(
  ctx: AppContext,
  usernameIndex: string,
  authKey: string,
  clientAddress: string,
  deviceId?: string,
): Promise<SignInAccount> {
  const keys = await ctx.keys();
  const client = await clientHash(keys.index, clientAddress);
  const subject = { usernameIndex, clientHash: client };
  // The limits and the account are read at once: reading changes nothing, and a refused attempt goes no further.
  const [waits, found] = await Promise.all([signInWaits(ctx, subject), findForSignIn(ctx.db, usernameIndex)]);
  if (waits.throttled > 0) throw signInThrottled(waits.throttled);
  const row = found?.row;
  if (waits.backoff > 0 && !(await holdsSlot(ctx, row, usernameIndex, deviceId))) throw signInThrottled(waits.backoff);
  // Compute a verifier either way so a wrong username costs what a wrong key does.
  const expected = await authVerifier(keys.index, row?.kdfSalt ?? "AAAAAAAAAAAAAAAAAAAAAA", authKey);
  if (!found || !constantTimeEqual(expected, found.row.authVerifier)) {
    await recordSignInFailure(ctx, subject);
    throw new Problem("invalid_credentials", WRONG);
  }
  return found;
}

/** Whether `deviceId` holds one of the account's slots. An unknown username asks an empty object, so both cost one lookup. */
async function holdsSlot(
  ctx: AppContext,
  row: AccountRow | undefined,
  usernameIndex: string,
  deviceId: string | undefined,
): Promise<boolean> {
  if (!deviceId) return false;
  if (!row) return (await deviceSlots(ctx, `unknown:${usernameIndex}`).get({ accountId: "", wrappedKey: "" }, deviceId)) !== null;
  return (await deviceSlots(ctx, row.id).get(keyRef(row), deviceId)) !== null;
}

export async function signIn(ctx: AppContext, input: SignInInput, clientAddress: string): Promise<TokenResponse> {
  const { row, billing, totp, passkeys } = await proveAuthKey(ctx, input.username, input.authKey, clientAddress, input.device.id);
  const pending = { device: input.device, replaceDeviceId: input.replaceDeviceId, usernameSealed: input.usernameSealed };
  if (totp || passkeys > 0) {
    // A full plan is said now, not after the person typed a code they would then have to type again.
    await assertSlotAvailable(ctx, row, pending);
    const challenge = await issueChallenge(ctx.db, await ctx.keys(), row, pending);
    const passkeyUrl = passkeys > 0 ? passkeySignInUrl(ctx.settings, challenge.challenge) : undefined;
    throw new Problem(
      "second_factor_required",
      totp
        ? "The password is right. Send a code from the authenticator app, or a recovery code, to finish signing in."
        : "The password is right. Use your passkey to finish signing in.",
      {
        ...challenge,
        methods: [...(totp ? (["totp", "recovery_code"] as const) : []), ...(passkeys > 0 ? (["passkey"] as const) : [])],
        ...(passkeyUrl ? { passkeyUrl } : {}),
      },
    );
  }
  return finishSignIn(ctx, row, pending, billing);
}

function deviceLimit(planId: string, devices: StoredDevice[]): Problem {
  const plan = planFor(planId);
  return new Problem(
    "device_limit",
    `Every device slot of the ${plan.name} plan is in use (${plan.maxDevices}). Sign out on another device or remove one, then sign in again.`,
    { devices: devices.map((d) => deviceView(d, null)), maxDevices: plan.maxDevices },
  );
}

/** 409 device_limit unless the device holds a slot, frees one, or a slot is free. */
async function assertSlotAvailable(ctx: AppContext, row: AccountRow, pending: PendingSignIn): Promise<void> {
  const devices = await deviceSlots(ctx, row.id).list(keyRef(row));
  const holds = devices.some((d) => d.id === pending.device.id);
  const freed = pending.replaceDeviceId !== undefined && devices.some((d) => d.id === pending.replaceDeviceId);
  if (!holds && !freed && devices.length >= planFor(row.planId).maxDevices) throw deviceLimit(row.planId, devices);
}

/**
 * The part of a sign-in after every factor is proved: take the slot, start the sign-in, hand out tokens.
 * `billing` is the account's billing row when it was read with the account (absent: read here).
 */
export async function finishSignIn(
  ctx: AppContext,
  signedIn: AccountRow,
  pending: PendingSignIn,
  billing?: SubscriptionRow | null,
): Promise<TokenResponse> {
  const { db } = ctx;
  const subscription = billing === undefined ? subscriptionView(db, signedIn.id) : Promise.resolve(subscriptionOf(billing));
  // Every factor is proved: the client's sealed name may now replace the server's copy (issue 18 item 5).
  const row = await adoptSealedUsername(db, signedIn, pending.usernameSealed);
  const keys = await ctx.keys();
  const plan = planFor(row.planId);
  const slots = deviceSlots(ctx, row.id);
  const claim = await slots.claim(keyRef(row), pending.device, plan.maxDevices, Date.now(), pending.replaceDeviceId);
  if (!claim.ok) throw deviceLimit(row.planId, claim.devices);
  if (pending.replaceDeviceId && pending.replaceDeviceId !== pending.device.id) {
    await signOutDevice(ctx, row, pending.replaceDeviceId);
  }

  // One sign-in per device: signing in again revokes the device's older tokens. One round trip.
  const signInId = crypto.randomUUID();
  const now = Date.now();
  const refreshToken = newRefreshToken();
  await db.batch([
    db.delete(signIns).where(and(eq(signIns.accountId, row.id), eq(signIns.deviceId, pending.device.id))),
    db.insert(signIns).values({ id: signInId, accountId: row.id, deviceId: pending.device.id, createdAt: now }),
    db.insert(refreshTokens).values(await refreshTokenRow(refreshToken, signInId, row.id, now)),
  ]);
  return tokens(keys, row, claim.device, { accountId: row.id, deviceId: pending.device.id, signInId }, refreshToken, await subscription);
}

/**
 * A refresh token traded for new tokens. Marking it used and reading its sign-in, account and billing row
 * are one D1 batch (the update first, so only the request that marked it goes on); the device's slot is
 * then confirmed and the next token issued in the same sign-in.
 */
export async function refresh(ctx: AppContext, refreshToken: string, nowMs = Date.now()): Promise<TokenResponse> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const hash = await tokenHash(refreshToken);
  const [won, [found]] = await db.batch([
    redeemQuery(db, hash, nowMs),
    db
      .select({
        row: accounts,
        // Every other column under a name of its own: drizzle maps a D1 batch's rows by column name, so a
        // name the accounts columns also have (id, account_id, created_at, plan_id) would take their value.
        signInId: sql<string>`${signIns.id}`.as("refresh_sign_in_id"),
        deviceId: sql<string>`${signIns.deviceId}`.as("refresh_device_id"),
        usedAt: sql<number | null>`${refreshTokens.usedAt}`.as("refresh_used_at"),
        status: sql<string | null>`${subscriptions.status}`.as("billing_status"),
        renewsAt: sql<number | null>`${subscriptions.renewsAt}`.as("billing_renews_at"),
        cancelAt: sql<number | null>`${subscriptions.cancelAt}`.as("billing_cancel_at"),
      })
      .from(refreshTokens)
      .innerJoin(signIns, eq(signIns.id, refreshTokens.signInId))
      .innerJoin(accounts, eq(accounts.id, signIns.accountId))
      .leftJoin(subscriptions, eq(subscriptions.accountId, accounts.id))
      .where(eq(refreshTokens.tokenHash, hash)),
  ]);
  if (!found) throw new Problem("unauthorized", "The refresh token is not valid. Sign in again.");
  const { row, signInId, deviceId } = found;
  if (won.length === 0) {
    // Not ours to redeem: expired (never used), or used before, which means it was stolen or replayed.
    if (found.usedAt === null) throw new Problem("unauthorized", "The refresh token is not valid. Sign in again.");
    await signOutDevice(ctx, row, deviceId);
    throw new Problem("unauthorized", "This refresh token was already used, so this sign-in was revoked. Sign in again.");
  }
  const device = await deviceSlots(ctx, row.id).touch(keyRef(row), deviceId, Date.now());
  if (!device) throw new Problem("unauthorized", "This device was removed from the account. Sign in again.");
  const next = await issueRefreshToken(db, signInId, row.id);
  return tokens(keys, row, device, { accountId: row.id, deviceId, signInId }, next, subscriptionOf(found));
}

export async function signOut(ctx: AppContext, row: AccountRow, auth: AuthContext): Promise<void> {
  await signOutDevice(ctx, row, auth.deviceId);
}

async function tokens(
  keys: ServerKeys,
  row: AccountRow,
  device: StoredDevice,
  auth: AuthContext,
  refreshToken: string,
  subscription: Subscription | null,
): Promise<TokenResponse> {
  const [accessToken, account] = await Promise.all([signAccessToken(keys, auth), accountView(keys, row, subscription)]);
  return {
    tokenType: "Bearer",
    accessToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    account,
    device: deviceView(device, auth.deviceId),
  };
}
