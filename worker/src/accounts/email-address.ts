/**
 * The account's email address: asking to change it (pending until the new
 * address confirms, with an undo link to the old one: email-change.ts) and
 * confirming an address with a link. The address is stored like at
 * registration: ciphertext under the account's key plus a blind index, whose
 * unique index decides races for an address.
 */
import { and, eq } from "drizzle-orm";
import { proveOwnAuthKey } from "../auth/sign-in";
import type { AppContext } from "../context";
import { blindIndex } from "../crypto/keyed-hash";
import { accounts } from "../db/schema";
import { invalidLink, redeemLinkToken } from "../email/link-tokens";
import { addressOf, sendVerificationLink } from "../email/mailer";
import { takeEmailChange, takeResend } from "../email/send-limits";
import { limitClient } from "../throttle/client-limits";
import { Problem } from "../problem";
import type { AccountRow } from "./accounts";
import { confirmEmailChange, requestEmailChange } from "./email-change";

const TAKEN = "An account with that email already exists.";

/**
 * Asks to move the account to `newEmail` once `authKey` proves the password:
 * the account keeps its address until the new one confirms (email-change.ts).
 * 401 invalid_credentials or 409 email_taken change nothing. The same
 * address again changes nothing and sends nothing. Every attempt the
 * password proved counts against the client's registration ceiling (an
 * `email_taken` is the same answer registration gives, so it gets the same
 * budget) and the account's daily change limit (which bounds the messages
 * changes send): 429 rate_limited with Retry-After.
 */
export async function changeEmail(
  ctx: AppContext,
  row: AccountRow,
  newEmail: string,
  authKey: string,
  clientAddress: string,
  currentDeviceId: string,
): Promise<AccountRow> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const currentAddress = await addressOf(ctx, row);
  await proveOwnAuthKey(ctx, row, authKey, clientAddress, currentDeviceId);
  await limitClient(ctx, "register", clientAddress);
  await takeEmailChange(ctx, row.id);
  const emailIndex = await blindIndex(keys.index, "email", newEmail);
  if (emailIndex === row.emailIndex) return row;
  const taken = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.emailIndex, emailIndex)).get();
  if (taken) throw new Problem("email_taken", TAKEN);
  // Pending until the new address confirms; the old one can undo it (email-change.ts).
  await requestEmailChange(ctx, row, currentAddress, newEmail, emailIndex);
  return row;
}

/**
 * Marks the address verified with a link's token; the link must have gone to
 * the current address. A pending change's link (email-change.ts) opens the
 * same page and lands here too: it makes the change take effect.
 */
export async function confirmEmail(ctx: AppContext, token: string): Promise<void> {
  const { db } = ctx;
  let link: Awaited<ReturnType<typeof redeemLinkToken>>;
  try {
    link = await redeemLinkToken(db, "verify", token);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return confirmEmailChange(ctx, await redeemLinkToken(db, "email-change", token));
  }
  const [updated] = await db
    .update(accounts)
    .set({ emailVerified: true })
    .where(and(eq(accounts.id, link.accountId), eq(accounts.emailIndex, link.emailIndex)))
    .returning({ id: accounts.id });
  if (!updated) throw invalidLink();
}

/** Sends the verification link again (rate limited per account), unless the address is verified already. */
export async function resendVerification(ctx: AppContext, row: AccountRow): Promise<void> {
  await takeResend(ctx, row.id);
  if (row.emailVerified) return;
  await sendVerificationLink(ctx, row, await addressOf(ctx, row));
}
