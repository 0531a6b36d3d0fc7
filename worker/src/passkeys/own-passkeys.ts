/**
 * The signed-in account's own passkeys (GET and DELETE /v1/me/passkeys): the
 * list with each label opened, and removal, which tells the account by email
 * (two-factor/notices.ts) like every change to how it signs in.
 */
import type { Passkey } from "@cargo-vpn/shared";
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import { noticePasskeyRemoved } from "../two-factor/notices";
import { deletePasskey, passkeyRows, passkeyView } from "./store";

export async function listPasskeys(ctx: AppContext, row: AccountRow): Promise<Passkey[]> {
  const keys = await ctx.keys();
  return Promise.all((await passkeyRows(ctx.db, row.id)).map((p) => passkeyView(keys, row, p)));
}

export async function removePasskey(ctx: AppContext, row: AccountRow, credentialId: string): Promise<void> {
  if (!(await deletePasskey(ctx.db, row.id, credentialId))) {
    throw new Problem("not_found", "No passkey with that id belongs to this account.");
  }
  await noticePasskeyRemoved(ctx, row);
}
