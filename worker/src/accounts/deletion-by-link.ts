/**
 * Erasure confirmed from an email link (the policy's "contact us to delete",
 * self-serve): the same erasure as DELETE /v1/me (erase.ts). The last message
 * is queued before the erasure starts, so it is neither lost with the account
 * nor dependent on the mail service being up right then.
 */
import type { AppContext } from "../context";
import { invalidLink, redeemLinkToken } from "../email/link-tokens";
import { addressOf, sendAccountDeletedNotice } from "../email/mailer";
import { type AccountRow, findById } from "./accounts";
import { eraseAccount } from "./erase";

export async function confirmDeletion(ctx: AppContext, token: string): Promise<void> {
  const { db } = ctx;
  const link = await redeemLinkToken(db, "deletion", token);
  const row = await findById(db, link.accountId);
  if (!row || row.emailIndex !== link.emailIndex) throw invalidLink();
  await eraseWithLastMessage(ctx, row);
}

/** Queues the account-deleted message to the account's address, then erases the account. */
export async function eraseWithLastMessage(ctx: AppContext, row: AccountRow): Promise<void> {
  await sendAccountDeletedNotice(ctx, await addressOf(ctx, row), row.language);
  await eraseAccount(ctx, row);
}
