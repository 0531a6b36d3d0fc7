/**
 * The signed-in account acting on itself (GET, PATCH and DELETE /v1/me):
 * reading it with its subscription, changing its switches and address, and
 * erasing it after the password is proved again.
 *
 *   await ownAccount(ctx, row);
 *   await updateOwnAccount(ctx, row, deviceId, { notifyNewDevice: false }, clientAddress);
 *   await deleteOwnAccount(ctx, row, deviceId, authKey, clientAddress);
 */
import type { Account, PatchMeRequest } from "@cargo-vpn/shared";
import type { z } from "zod";
import { proveOwnAuthKey } from "../auth/sign-in";
import type { AppContext } from "../context";
import { type AccountRow, accountView } from "./accounts";
import { eraseWithLastMessage } from "./deletion-by-link";
import { changeEmail } from "./email-address";
import { updateSettings } from "./settings";

/** A PATCH /v1/me as validated: settings, or a new address together with the account's authKey. */
export type AccountChanges = z.output<typeof PatchMeRequest>;

export async function ownAccount(ctx: AppContext, row: AccountRow): Promise<Account> {
  return accountView(await ctx.keys(), row, ctx.db);
}

export async function updateOwnAccount(
  ctx: AppContext,
  row: AccountRow,
  deviceId: string,
  changes: AccountChanges,
  clientAddress: string,
): Promise<Account> {
  const { telemetryOptIn, notifyNewDevice, language, email, authKey } = changes;
  let current = row;
  // The address first: when it is refused (401, 409), nothing else changes either.
  if (email !== undefined && authKey !== undefined) {
    current = await changeEmail(ctx, current, email, authKey, clientAddress, deviceId);
  }
  const changed = await updateSettings(ctx.db, current.id, { telemetryOptIn, notifyNewDevice, language });
  return accountView(await ctx.keys(), { ...current, ...changed }, ctx.db);
}

export async function deleteOwnAccount(ctx: AppContext, row: AccountRow, deviceId: string, authKey: string, clientAddress: string) {
  // Re-proving the password guards against a stolen access token erasing the account.
  await proveOwnAuthKey(ctx, row, authKey, clientAddress, deviceId);
  await eraseWithLastMessage(ctx, row);
}
