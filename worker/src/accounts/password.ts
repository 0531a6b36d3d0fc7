/**
 * Changing the password (signed in, proving the old one) and resetting it
 * with an email link. Either replaces the authKey verifier and KDF
 * parameters, and signs devices out through the same path as sign-out and
 * device removal (devices/devices.ts): sign-in revoked, tunnel session
 * ended (gateways drop it at their next heartbeat), slot freed. Account data
 * is encrypted under a server-held key, so a reset loses nothing.
 */
import type { ChangePasswordRequest } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { proveAuthKey } from "../auth/sign-in";
import type { AppContext } from "../context";
import { authVerifier } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { accounts, signIns, tunnelSessions } from "../db/schema";
import { deviceSlots } from "../devices/device-slots";
import { keyRef, signOutDevice } from "../devices/devices";
import { invalidLink, redeemLinkToken, revokeLinkTokens } from "../email/link-tokens";
import { addressOf, sendPasswordChangedNotice } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { type AccountRow, accountView, findById } from "./accounts";

/** The new password's proof and KDF parameters, as both ways of changing it validate them. */
export type NewPassword = Pick<z.output<typeof ChangePasswordRequest>, "newAuthKey" | "newKdf">;

async function storeNewPassword(db: Db, keys: ServerKeys, accountId: string, next: NewPassword, verified: boolean) {
  await db
    .update(accounts)
    .set({
      authVerifier: await authVerifier(keys.index, next.newKdf.salt, next.newAuthKey),
      kdfSalt: next.newKdf.salt,
      kdfIterations: next.newKdf.iterations,
      ...(verified ? { emailVerified: true } : {}),
    })
    .where(eq(accounts.id, accountId));
}

/** Signs out every device of the account except `keepDeviceId` (null: every device). */
export async function signOutDevicesExcept(ctx: AppContext, row: AccountRow, keepDeviceId: string | null): Promise<string[]> {
  const { db } = ctx;
  const [slots, sessions, tunnels] = await Promise.all([
    deviceSlots(ctx, row.id).list(keyRef(row)),
    db.select({ deviceId: signIns.deviceId }).from(signIns).where(eq(signIns.accountId, row.id)),
    db.select({ deviceId: tunnelSessions.deviceId }).from(tunnelSessions).where(eq(tunnelSessions.accountId, row.id)),
  ]);
  const devices = new Set([...slots.map((d) => d.id), ...sessions.map((s) => s.deviceId), ...tunnels.map((t) => t.deviceId)]);
  if (keepDeviceId !== null) devices.delete(keepDeviceId);
  for (const deviceId of devices) await signOutDevice(ctx, row, deviceId);
  return [...devices];
}

/** POST /v1/me/password: the old authKey proves the person; this device stays signed in. */
export async function changePassword(
  ctx: AppContext,
  row: AccountRow,
  currentDeviceId: string,
  input: NewPassword & { authKey: string },
  clientAddress: string,
): Promise<void> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const view = await accountView(keys, row);
  // The signed-in device holds a slot, so attackers guessing this username elsewhere do not slow it down.
  await proveAuthKey(ctx, view.username, input.authKey, clientAddress, currentDeviceId);
  await storeNewPassword(db, keys, row.id, input, false);
  await revokeLinkTokens(db, row.id, "reset");
  await signOutDevicesExcept(ctx, row, currentDeviceId);
  await bestEffort(sendPasswordChangedNotice(ctx, view.email));
}

/** POST /v1/auth/password-reset/confirm: the link proves the address, so it counts as verified. */
export async function resetPassword(ctx: AppContext, input: NewPassword & { token: string }): Promise<void> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const link = await redeemLinkToken(db, "reset", input.token);
  const row = await findById(db, link.accountId);
  // A link sent to an address the account has since left proves nothing.
  if (!row || row.emailIndex !== link.emailIndex) throw invalidLink();
  await storeNewPassword(db, keys, row.id, input, true);
  await revokeLinkTokens(db, row.id, "reset");
  await signOutDevicesExcept(ctx, row, null);
  await bestEffort(sendPasswordChangedNotice(ctx, await addressOf(ctx, row)));
}
