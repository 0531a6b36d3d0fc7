/**
 * Changing the password (signed in, proving the old one) and resetting it
 * with an email link. Either replaces the authKey verifier and KDF
 * parameters, and signs devices out through the same path as sign-out and
 * device removal (devices/devices.ts): sign-in revoked, tunnel session
 * ended (gateways drop it at their next heartbeat), slot freed. Account data
 * is encrypted under a server-held key, so a reset loses nothing; the
 * username, sealed by the client under a key of the password
 * (username-sealed.ts), is sealed again by the client under the new one.
 */
import type { ChangePasswordRequest } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { proveOwnAuthKey } from "../auth/sign-in";
import type { AppContext } from "../context";
import { authVerifier } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";
import { signOutDevicesExcept } from "../devices/devices";
import { invalidLink, peekLinkToken, redeemLinkToken, revokeLinkTokens } from "../email/link-tokens";
import { addressOf, sendPasswordChangedNotice } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { type AccountRow, findById } from "./accounts";
import { assertResetUsername } from "./reset-username-check";
import { resealedUsername } from "./username-sealed";

/** The new password's proof and KDF parameters, and the username sealed under its key, as both ways of changing it validate them. */
export type NewPassword = Pick<z.output<typeof ChangePasswordRequest>, "newAuthKey" | "newKdf" | "newUsernameSealed">;

async function storeNewPassword(db: Db, keys: ServerKeys, accountId: string, next: NewPassword, verified: boolean) {
  await db
    .update(accounts)
    .set({
      authVerifier: await authVerifier(keys.index, next.newKdf.salt, next.newAuthKey),
      kdfSalt: next.newKdf.salt,
      kdfIterations: next.newKdf.iterations,
      ...resealedUsername(next.newUsernameSealed),
      ...(verified ? { emailVerified: true } : {}),
    })
    .where(eq(accounts.id, accountId));
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
  const address = await addressOf(ctx, row);
  // The signed-in device holds a slot, so attackers guessing this username elsewhere do not slow it down.
  await proveOwnAuthKey(ctx, row, input.authKey, clientAddress, currentDeviceId);
  await storeNewPassword(db, keys, row.id, input, false);
  await revokeLinkTokens(db, row.id, "reset");
  await signOutDevicesExcept(ctx, row, currentDeviceId);
  await bestEffort(sendPasswordChangedNotice(ctx, address, row.language));
}

/** POST /v1/auth/password-reset/confirm: the link proves the address, so it counts as verified. */
export async function resetPassword(ctx: AppContext, input: NewPassword & { token: string; username: string }): Promise<void> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const peeked = await peekLinkToken(db, "reset", input.token);
  const found = await findById(db, peeked.accountId);
  // A link sent to an address the account has since left proves nothing.
  if (!found || found.emailIndex !== peeked.emailIndex) throw invalidLink();
  // Before the link is used: a wrong username leaves the link, the password and the sealed name as they were.
  await assertResetUsername(ctx, found, input.username);
  const link = await redeemLinkToken(db, "reset", input.token);
  const row = await findById(db, link.accountId);
  if (!row || row.emailIndex !== link.emailIndex || row.usernameIndex !== found.usernameIndex) throw invalidLink();
  await storeNewPassword(db, keys, row.id, input, true);
  await revokeLinkTokens(db, row.id, "reset");
  await signOutDevicesExcept(ctx, row, null);
  await bestEffort(sendPasswordChangedNotice(ctx, await addressOf(ctx, row), row.language));
}
