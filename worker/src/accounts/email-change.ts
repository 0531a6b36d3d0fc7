/**
 * An email change in two steps, with an undo (issue 20, item 3). Asking
 * (PATCH /v1/me) only records the change as pending: the account keeps its
 * address, the new address gets a confirmation link, and the old one a
 * notice whose link cancels the change. The change takes effect when the new
 * address confirms (POST /v1/email/verify with that link). For 3 days after
 * it was asked for, the old address's link (POST /v1/email/change/undo)
 * cancels it, or puts the old address back if it was confirmed already, and
 * signs every device out: whoever took the account is out, and the owner
 * gets in again by resetting the password through the old address.
 *
 * The rows hold both addresses exactly as the account row does (blind index,
 * ciphertext under the account's key), so confirming and undoing copy them
 * over without decrypting.
 */
import { and, desc, eq, gt, lt } from "drizzle-orm";
import { EMAIL_CHANGE_UNDO_MS } from "../constants";
import type { AppContext } from "../context";
import { encryptField } from "../crypto/envelope";
import { accounts, emailChanges } from "../db/schema";
import { invalidLink, type RedeemedLink, redeemLinkToken, revokeLinkTokens } from "../email/link-tokens";
import { addressOf, sendEmailChangedNotice, sendEmailChangeLinks, sendEmailChangeUndoneNotice } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { Problem } from "../problem";
import { type AccountRow, dataKeyOf, findById } from "./accounts";
import { signOutDevicesExcept } from "../devices/devices";

const TAKEN = "An account with that email already exists.";

const isTakenError = (error: unknown) =>
  String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error).includes("email_index");

/** Records the change as pending (replacing an earlier pending one) and sends both links. */
export async function requestEmailChange(
  ctx: AppContext,
  row: AccountRow,
  oldAddress: string,
  newAddress: string,
  newIndex: string,
  nowMs = Date.now(),
): Promise<void> {
  const { db } = ctx;
  const key = await dataKeyOf(await ctx.keys(), row);
  await db.batch([
    db.delete(emailChanges).where(and(eq(emailChanges.accountId, row.id), eq(emailChanges.status, "pending"))),
    db.insert(emailChanges).values({
      id: crypto.randomUUID(),
      accountId: row.id,
      status: "pending",
      newEmailIndex: newIndex,
      newEmailCiphertext: await encryptField(key, row.id, "email", newAddress),
      oldEmailIndex: row.emailIndex,
      oldEmailCiphertext: row.emailCiphertext,
      createdAt: nowMs,
      undoUntil: nowMs + EMAIL_CHANGE_UNDO_MS,
    }),
  ]);
  await bestEffort(
    sendEmailChangeLinks(
      ctx,
      row.id,
      row.language,
      { address: oldAddress, index: row.emailIndex },
      { address: newAddress, index: newIndex },
      nowMs,
    ),
  );
}

/**
 * The new address's link: the pending change takes effect (the address
 * counts as verified: the link proved it). 409 email_taken when another
 * account took the address meanwhile.
 */
export async function confirmEmailChange(ctx: AppContext, link: RedeemedLink, nowMs = Date.now()): Promise<void> {
  const { db } = ctx;
  const change = await db
    .select()
    .from(emailChanges)
    .where(
      and(eq(emailChanges.accountId, link.accountId), eq(emailChanges.newEmailIndex, link.emailIndex), eq(emailChanges.status, "pending")),
    )
    .get();
  const row = change ? await findById(db, link.accountId) : undefined;
  // Only from the address the change left: the account has not moved since it was asked for.
  if (!change || !row || row.emailIndex !== change.oldEmailIndex) throw invalidLink();
  try {
    await db.batch([
      db
        .update(accounts)
        .set({ emailIndex: change.newEmailIndex, emailCiphertext: change.newEmailCiphertext, emailVerified: true })
        .where(and(eq(accounts.id, row.id), eq(accounts.emailIndex, change.oldEmailIndex))),
      db.update(emailChanges).set({ status: "applied" }).where(eq(emailChanges.id, change.id)),
    ]);
  } catch (error) {
    if (isTakenError(error)) throw new Problem("email_taken", TAKEN);
    throw error;
  }
  const oldAddress = await addressOf(ctx, row);
  // Links sent to the address it left prove nothing about the account any more.
  await Promise.all([
    revokeLinkTokens(db, row.id, "verify"),
    revokeLinkTokens(db, row.id, "reset"),
    revokeLinkTokens(db, row.id, "deletion"),
  ]);
  await bestEffort(sendEmailChangedNotice(ctx, oldAddress, row.language, nowMs));
}

/**
 * The old address's link: cancels the pending change, or puts the old
 * address back if the change took effect, and signs every device out.
 */
export async function undoEmailChange(ctx: AppContext, token: string, nowMs = Date.now()): Promise<void> {
  const { db } = ctx;
  const link = await redeemLinkToken(db, "email-change-undo", token, nowMs);
  const change = await db
    .select()
    .from(emailChanges)
    .where(
      and(eq(emailChanges.accountId, link.accountId), eq(emailChanges.oldEmailIndex, link.emailIndex), gt(emailChanges.undoUntil, nowMs)),
    )
    .orderBy(desc(emailChanges.createdAt))
    .get();
  const row = change ? await findById(db, link.accountId) : undefined;
  if (!change || !row) throw invalidLink();
  let back = row;
  if (row.emailIndex !== change.oldEmailIndex) {
    try {
      await db
        .update(accounts)
        .set({ emailIndex: change.oldEmailIndex, emailCiphertext: change.oldEmailCiphertext, emailVerified: true })
        .where(eq(accounts.id, row.id));
      back = { ...row, emailIndex: change.oldEmailIndex, emailCiphertext: change.oldEmailCiphertext, emailVerified: true };
    } catch (error) {
      // Someone registered the old address meanwhile: the account stays where it is, but is still signed out everywhere.
      if (!isTakenError(error)) throw error;
    }
  }
  await db.delete(emailChanges).where(eq(emailChanges.accountId, row.id));
  await Promise.all(
    (["email-change", "email-change-undo", "verify", "reset", "deletion"] as const).map((purpose) => revokeLinkTokens(db, row.id, purpose)),
  );
  await signOutDevicesExcept(ctx, row, null);
  await bestEffort(sendEmailChangeUndoneNotice(ctx, await addressOf(ctx, back), back.language, nowMs));
}

/** Cron: changes whose undo window has passed are forgotten. */
export async function purgeEmailChanges(ctx: AppContext, nowMs: number): Promise<void> {
  await ctx.db.delete(emailChanges).where(lt(emailChanges.undoUntil, nowMs));
}
