/**
 * Erasure confirmed from an email link (the policy's "contact us to delete",
 * self-serve): the same erasure as DELETE /v1/me (erase.ts). The last message
 * is queued before the erasure starts, so it is neither lost with the account
 * nor dependent on the mail service being up right then.
 */
import type { Db } from "../db/client";
import { invalidLink, redeemLinkToken } from "../email/link-tokens";
import { addressOf, sendAccountDeletedNotice } from "../email/mailer";
import type { Env } from "../env";
import { type AccountRow, findById } from "./accounts";
import { eraseAccount } from "./erase";

export async function confirmDeletion(env: Env, db: Db, token: string): Promise<void> {
  const link = await redeemLinkToken(db, "deletion", token);
  const row = await findById(db, link.accountId);
  if (!row || row.emailIndex !== link.emailIndex) throw invalidLink();
  await eraseWithLastMessage(env, db, row);
}

/** Queues the account-deleted message to the account's address, then erases the account. */
export async function eraseWithLastMessage(env: Env, db: Db, row: AccountRow): Promise<void> {
  await sendAccountDeletedNotice(env, await addressOf(env, row));
  await eraseAccount(env, db, row);
}
