/**
 * The signed-in account acting on itself (GET, PATCH and DELETE /v1/me):
 * reading it with its subscription, changing its switches and address, and
 * erasing it after the password is proved again.
 *
 *   await ownAccount(ctx, row, billing);
 *   await updateOwnAccount(ctx, row, billing, deviceId, { notifyNewDevice: false }, clientAddress);
 *   await deleteOwnAccount(ctx, row, deviceId, authKey, clientAddress);
 */
import type { Account, PatchMeRequest } from "@cargo-vpn/shared";
import type { z } from "zod";
import { proveOwnAuthKey } from "../auth/sign-in";
import type { SubscriptionRow } from "../billing/subscription-store";
import type { AppContext } from "../context";
import type { AccountRow } from "./accounts";
import { accountView } from "./account-view";
import { eraseWithLastMessage } from "./deletion-by-link";
import { changeEmail } from "./email-address";
import { updatePreferences } from "./preferences";

/** A PATCH /v1/me as validated: preferences, or a new address together with the account's authKey. */
export type AccountChanges = z.output<typeof PatchMeRequest>;

/** `billing` is the account's billing row, read in the same query as the row (http/authenticate.ts). */
export async function ownAccount(ctx: AppContext, row: AccountRow, billing: SubscriptionRow | null): Promise<Account> {
  return accountView(await ctx.keys(), row, billing);
}

export async function updateOwnAccount(
  ctx: AppContext,
  row: AccountRow,
  billing: SubscriptionRow | null,
  deviceId: string,
  changes: AccountChanges,
  clientAddress: string,
): Promise<Account> {
  const { telemetryOptIn, notifyNewDevice, language, email, authKey } = changes;
  let current = row;
  // The address first: when it is refused (401, 409), nothing else changes either. It proves the password.
  if (email !== undefined && authKey !== undefined) {
    current = await changeEmail(ctx, current, email, authKey, clientAddress, deviceId);
  } else if (notifyNewDevice === false && authKey !== undefined) {
    // Silencing the new-device notice needs the password, not just a (possibly stolen) access token (issue 20 item 4).
    await proveOwnAuthKey(ctx, current, authKey, clientAddress, deviceId);
  }
  const changed = await updatePreferences(ctx.db, current.id, { telemetryOptIn, notifyNewDevice, language });
  return accountView(await ctx.keys(), { ...current, ...changed }, billing);
}

export async function deleteOwnAccount(ctx: AppContext, row: AccountRow, deviceId: string, authKey: string, clientAddress: string) {
  // Re-proving the password guards against a stolen access token erasing the account.
  await proveOwnAuthKey(ctx, row, authKey, clientAddress, deviceId);
  await eraseWithLastMessage(ctx, row);
}
