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
import { ACCESS_TOKEN_TTL_SECONDS, planFor } from "../constants";
import { findByUsername, type AccountRow } from "../accounts/accounts";
import { accountView, type BillingFields } from "../accounts/account-view";
import type { AppContext } from "../context";
import { constantTimeEqual } from "../crypto/constant-time";
import { authVerifier, blindIndex, clientHash, fakeSalt, slotHandle, tokenHash } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import { signAccessToken } from "../crypto/tokens";
import type { Db } from "../db/client";
import { accounts, refreshTokens, signIns, subscriptions } from "../db/schema";
import { deviceSlots, slotMatches, type StoredDevice } from "../devices/device-slots";
import { deviceView, keyRef, signOutDevice, slotHolderView } from "../devices/devices";
import type { AuthContext } from "./callers";
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
import type { SubscriptionRow } from "../billing/subscription-store";

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
 * A device that proves it holds one of the account's slots (its id with the
 * slot's secret: it proved the password before) gets past the username's
 * back-off, never past the per-client limits. A device id alone proves
 * nothing (issue 20 item 7).
 */
async function proveAuthKey(
  ctx: AppContext,
  username: string,
  authKey: string,
  clientAddress: string,
  device: SlotProof,
): Promise<SignInAccount> {
  const keys = await ctx.keys();
  const usernameIndex = await blindIndex(keys.index, "username", username);
  return proveAuthKeyAt(ctx, usernameIndex, authKey, clientAddress, (row) => holdsSlot(ctx, row, usernameIndex, device));
}

/** A device's claim to a slot: its id and the hash of the secret it sent (null: none sent). */
export interface SlotProof {
  deviceId: string;
  secretHash: string | null;
}

/**
 * The signed-in account re-proving its password (changing it or the address,
 * erasing, two-factor changes): the same check and counters as sign-in, found
 * by the row's blind index, so the server never needs the name itself.
 *
 * `deviceId` is the signed-in device's, read from its sign-in (never from the
 * request): while it still holds its slot, the back-off does not apply.
 */
export async function proveOwnAuthKey(ctx: AppContext, row: AccountRow, authKey: string, clientAddress: string, deviceId: string) {
  const proven = async () => (await deviceSlots(ctx, row.id).get(keyRef(row), deviceId)) !== null;
  return (await proveAuthKeyAt(ctx, row.usernameIndex, authKey, clientAddress, proven)).row;
}

async function proveAuthKeyAt(
  ctx: AppContext,
  usernameIndex: string,
  authKey: string,
  clientAddress: string,
  provenDevice: (row: AccountRow | undefined) => Promise<boolean>,
): Promise<SignInAccount> {
  const keys = await ctx.keys();
  const client = await clientHash(keys.index, clientAddress);
  const subject = { usernameIndex, clientHash: client };
  // The limits and the account are read at once: reading changes nothing, and a refused attempt goes no further.
  const [waits, found] = await Promise.all([signInWaits(ctx, subject), findForSignIn(ctx.db, usernameIndex)]);
  if (waits.throttled > 0) throw signInThrottled(waits.throttled);
  const row = found?.row;
  if (waits.backoff > 0 && !(await provenDevice(row))) throw signInThrottled(waits.backoff);
  // Compute a verifier either way so a wrong username costs what a wrong key does.
  const expected = await authVerifier(keys.index, row?.kdfSalt ?? "AAAAAAAAAAAAAAAAAAAAAA", authKey);
  if (!found || !constantTimeEqual(expected, found.row.authVerifier)) {
    await recordSignInFailure(ctx, subject);
    throw new Problem("invalid_credentials", WRONG);
  }
  return found;
}

/**
 * Whether the device proves it holds one of the account's slots: the slot with its id is bound to the
 * secret it sent. An unknown username asks an empty object, so both cost one lookup.
 */
async function holdsSlot(ctx: AppContext, row: AccountRow | undefined, usernameIndex: string, device: SlotProof): Promise<boolean> {
  if (device.secretHash === null) return false;
  const slot = row
    ? await deviceSlots(ctx, row.id).get(keyRef(row), device.deviceId)
    : await deviceSlots(ctx, `unknown:${usernameIndex}`).get({ accountId: "", wrappedKey: "" }, device.deviceId);
  return slot !== null && slotMatches(slot, device.secretHash);
}

/** The stored form of a device secret: its SHA-256 (the secret is 256 random bits, so nothing slower is needed). */
async function deviceSecretHash(secret: string | undefined): Promise<string | null> {
  return secret === undefined ? null : tokenHash(secret);
}

export async function signIn(ctx: AppContext, input: SignInInput, clientAddress: string): Promise<TokenResponse> {
  const { secret, ...device } = input.device;
  const secretHash = await deviceSecretHash(secret);
  const { row, billing, totp, passkeys } = await proveAuthKey(ctx, input.username, input.authKey, clientAddress, {
    deviceId: device.id,
    secretHash,
  });
  // Only the secret's hash goes on, into the sealed two-factor challenge too.
  const pending: PendingSignIn = {
    device,
    deviceSecretHash: secretHash,
    replaceDevice: input.replaceDevice,
    usernameSealed: input.usernameSealed,
  };
  if (totp || passkeys > 0) {
    // A full plan is said now, not after the person typed a code they would then have to type again.
    await assertSlotAvailable(ctx, row, pending);
    const challenge = await issueChallenge(ctx.db, await ctx.keys(), row, pending);
    const passkeyUrl = passkeys > 0 ? passkeySignInUrl(ctx.settings, row.language, challenge.challenge) : undefined;
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

/** 409 device_limit, listing the slots by handle only: a device id from it would be worth nothing anyway, but it is not even given. */
async function deviceLimit(ctx: AppContext, row: AccountRow, devices: StoredDevice[]): Promise<Problem> {
  const plan = planFor(row.planId);
  const index = (await ctx.keys()).index;
  return new Problem(
    "device_limit",
    `Every device slot of the ${plan.name} plan is in use (${plan.maxDevices}). Sign out on another device or remove one, then sign in again.`,
    {
      devices: await Promise.all(devices.map(async (d) => slotHolderView(d, await slotHandle(index, row.id, d.id)))),
      maxDevices: plan.maxDevices,
    },
  );
}

/** The device id a replaceDevice handle names among the account's slots, or undefined. */
async function replacedDeviceId(ctx: AppContext, row: AccountRow, devices: StoredDevice[], handle: string | undefined) {
  if (handle === undefined) return undefined;
  const index = (await ctx.keys()).index;
  for (const d of devices) if (constantTimeEqual(await slotHandle(index, row.id, d.id), handle)) return d.id;
  return undefined;
}

/** 409 device_limit unless the device proves it holds a slot, frees one, or a slot is free. */
async function assertSlotAvailable(ctx: AppContext, row: AccountRow, pending: PendingSignIn): Promise<void> {
  const devices = await deviceSlots(ctx, row.id).list(keyRef(row));
  const holds = devices.some((d) => d.id === pending.device.id && slotMatches(d, pending.deviceSecretHash ?? null));
  const freed = (await replacedDeviceId(ctx, row, devices, pending.replaceDevice)) !== undefined;
  if (!holds && !freed && devices.length >= planFor(row.planId).maxDevices) throw await deviceLimit(ctx, row, devices);
}

/**
 * The part of a sign-in after every factor is proved: take the slot, start the sign-in, hand out tokens.
 * `billing` is the account's billing row, read with the account (null: it never bought anything).
 */
export async function finishSignIn(
  ctx: AppContext,
  signedIn: AccountRow,
  pending: PendingSignIn,
  billing: SubscriptionRow | null,
): Promise<TokenResponse> {
  const { db } = ctx;
  // Every factor is proved: the client's sealed name may now replace the server's copy (issue 18 item 5).
  const row = await adoptSealedUsername(db, signedIn, pending.usernameSealed);
  const keys = await ctx.keys();
  const plan = planFor(row.planId);
  const slots = deviceSlots(ctx, row.id);
  // Only a sign-in that frees a slot reads the list (one Durable Object call fewer on every other).
  const replaceDeviceId =
    pending.replaceDevice === undefined
      ? undefined
      : await replacedDeviceId(ctx, row, await slots.list(keyRef(row)), pending.replaceDevice);
  // Pending sign-ins sealed before device secrets carry no hash: they are new devices.
  const secretHash = pending.deviceSecretHash ?? null;
  const claim = await slots.claim(keyRef(row), pending.device, secretHash, plan.maxDevices, Date.now(), replaceDeviceId);
  if (!claim.ok) throw await deviceLimit(ctx, row, claim.devices);
  // The slot's id, which is the one sent only when the device proved the slot's secret or the id was free.
  const deviceId = claim.device.id;
  if (replaceDeviceId && replaceDeviceId !== deviceId) await signOutDevice(ctx, row, replaceDeviceId);

  // One sign-in per device: signing in again revokes the device's older tokens. One round trip.
  const signInId = crypto.randomUUID();
  const now = Date.now();
  const refreshToken = newRefreshToken();
  await db.batch([
    db.delete(signIns).where(and(eq(signIns.accountId, row.id), eq(signIns.deviceId, deviceId))),
    db.insert(signIns).values({ id: signInId, accountId: row.id, deviceId, createdAt: now }),
    db.insert(refreshTokens).values(await refreshTokenRow(refreshToken, signInId, row.id, now)),
  ]);
  return tokens(keys, row, claim.device, { accountId: row.id, deviceId, signInId }, refreshToken, billing);
}

/**
 * A refresh token traded for new tokens. Marking it used and reading its sign-in, account and billing row
 * are one D1 batch (the update first, so only the request that marked it goes on); the device's slot is
 * then confirmed and the next token issued in the same sign-in. A slot from before device secrets is bound
 * here to the secret the device sends (issue 20 item 4): the refresh token proves the device holds the
 * slot, which a sign-in naming the id could not.
 */
export async function refresh(ctx: AppContext, refreshToken: string, deviceSecret?: string, nowMs = Date.now()): Promise<TokenResponse> {
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
  const slots = deviceSlots(ctx, row.id);
  const device = await slots.touch(keyRef(row), deviceId, Date.now());
  if (!device) throw new Problem("unauthorized", "This device was removed from the account. Sign in again.");
  if (deviceSecret !== undefined && device.secretHash === undefined) {
    await slots.bindSecret(keyRef(row), deviceId, await tokenHash(deviceSecret));
  }
  const next = await issueRefreshToken(db, signInId, row.id);
  return tokens(keys, row, device, { accountId: row.id, deviceId, signInId }, next, found);
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
  billing: BillingFields,
): Promise<TokenResponse> {
  const [accessToken, account] = await Promise.all([signAccessToken(keys, auth), accountView(keys, row, billing)]);
  return {
    tokenType: "Bearer",
    accessToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    account,
    device: deviceView(device, auth.deviceId),
  };
}
