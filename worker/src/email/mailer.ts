/**
 * What the service tells people by email, one function per message. Each
 * builds its content (templates.ts), and hands it to the queue (outbox.ts);
 * link messages first issue the link's token (link-tokens.ts). Callers pass
 * the plaintext address they already decrypted, or the account row and let
 * the function decrypt it. Every message is in the account's language.
 *
 *   await sendVerificationLink(ctx, row, address);
 *   await sendPlanChangedNotice(ctx, row, "plus");   // billing, after a plan change
 */
import type { DeviceKind, Language, TokenResponse } from "@cargo-vpn/shared";
import { dataKeyOf, type AccountRow } from "../accounts/accounts";
import { type PlanId, planFor } from "../constants";
import type { AppContext } from "../context";
import { decryptField } from "../crypto/envelope";
import { issueLinkToken, revokeLinkTokens } from "./link-tokens";
import { queueEmail } from "./outbox";
import { linkTo } from "./links";
import {
  accountDeletedMessage,
  deletionLinkMessage,
  emailChangedMessage,
  emailChangeRequestedMessage,
  emailChangeUndoneMessage,
  type MessageContent,
  newDeviceMessage,
  passwordChangedMessage,
  passwordResetMessage,
  planChangedMessage,
  verifyEmailMessage,
} from "./templates";

type LinkRow = Pick<AccountRow, "id" | "emailIndex" | "language">;

function send(ctx: AppContext, to: string, content: MessageContent): Promise<void> {
  return queueEmail(ctx, { to, ...content });
}

/** The account's current address, decrypted. */
export async function addressOf(ctx: AppContext, row: AccountRow): Promise<string> {
  const keys = await ctx.keys();
  return decryptField(await dataKeyOf(keys, row), row.id, "email", row.emailCiphertext);
}

/** A fresh verification link (24 h) to `address`; older verification links stop working. */
export async function sendVerificationLink(ctx: AppContext, row: LinkRow, address: string): Promise<void> {
  await revokeLinkTokens(ctx.db, row.id, "verify");
  const token = await issueLinkToken(ctx.db, row.id, "verify", row.emailIndex);
  await send(ctx, address, verifyEmailMessage(row.language, linkTo(ctx.settings, "verify-email", row.language, token)));
}

/** A password-reset link (1 h); older reset links stop working. */
export async function sendPasswordResetLink(ctx: AppContext, row: LinkRow, address: string): Promise<void> {
  await revokeLinkTokens(ctx.db, row.id, "reset");
  const token = await issueLinkToken(ctx.db, row.id, "reset", row.emailIndex);
  await send(ctx, address, passwordResetMessage(row.language, linkTo(ctx.settings, "reset-password", row.language, token)));
}

/** A link (1 h) to confirm erasing the account; older ones stop working. */
export async function sendDeletionLink(ctx: AppContext, row: LinkRow, address: string): Promise<void> {
  await revokeLinkTokens(ctx.db, row.id, "deletion");
  const token = await issueLinkToken(ctx.db, row.id, "deletion", row.emailIndex);
  await send(ctx, address, deletionLinkMessage(row.language, linkTo(ctx.settings, "delete-account", row.language, token)));
}

/**
 * After a sign-in: a device that took a new slot (its slot was registered by
 * this very sign-in, not one signing in again) gets the account a notice,
 * unless the account turned them off. Never to an unverified address: anyone
 * can register with someone else's, and its only message is the link that
 * verifies it.
 */
export async function noticeIfNewDevice(ctx: AppContext, signedIn: TokenResponse): Promise<void> {
  const { account, device } = signedIn;
  if (!account.emailVerified || !account.notifyNewDevice || device.registeredAt !== device.lastSeenAt) return;
  await sendNewDeviceNotice(ctx, account.email, account.language, device, Date.parse(device.registeredAt));
}

/** Device kind, label and time only: never an IP address or place. */
function sendNewDeviceNotice(
  ctx: AppContext,
  address: string,
  language: Language,
  device: { kind: DeviceKind; label: string },
  atMs = Date.now(),
) {
  return send(ctx, address, newDeviceMessage(language, device, atMs));
}

export function sendPasswordChangedNotice(ctx: AppContext, address: string, language: Language, atMs = Date.now()) {
  return send(ctx, address, passwordChangedMessage(language, atMs));
}

/** To the old address, after the new one confirmed the change. */
export function sendEmailChangedNotice(ctx: AppContext, oldAddress: string, language: Language, atMs = Date.now()) {
  return send(ctx, oldAddress, emailChangedMessage(language, atMs));
}

/**
 * An email change asked for: the confirmation link (24 h) to the new address,
 * and to the old one a notice with the link that undoes it (3 days). Earlier
 * links of either kind stop working.
 */
export async function sendEmailChangeLinks(
  ctx: AppContext,
  accountId: string,
  language: Language,
  old: { address: string; index: string },
  next: { address: string; index: string },
  atMs = Date.now(),
): Promise<void> {
  await revokeLinkTokens(ctx.db, accountId, "email-change");
  await revokeLinkTokens(ctx.db, accountId, "email-change-undo");
  const confirm = await issueLinkToken(ctx.db, accountId, "email-change", next.index);
  const undo = await issueLinkToken(ctx.db, accountId, "email-change-undo", old.index);
  await send(ctx, next.address, verifyEmailMessage(language, linkTo(ctx.settings, "verify-email", language, confirm)));
  await send(ctx, old.address, emailChangeRequestedMessage(language, linkTo(ctx.settings, "undo-email-change", language, undo), atMs));
}

/** To the address the account is back on, after its link undid a change. */
export function sendEmailChangeUndoneNotice(ctx: AppContext, address: string, language: Language, atMs = Date.now()) {
  return send(ctx, address, emailChangeUndoneMessage(language, atMs));
}

/** The last message: queued before the erasure, so it survives it and is retried until sent. */
export function sendAccountDeletedNotice(ctx: AppContext, address: string, language: Language, atMs = Date.now()) {
  return send(ctx, address, accountDeletedMessage(language, atMs));
}

/**
 * For billing: tells the account's owner their plan is now `planId`. Call it
 * after the plan change is stored, with the account's row (before or after
 * the change: only id, wrapped key and email ciphertext are read).
 */
export async function sendPlanChangedNotice(
  ctx: AppContext,
  row: AccountRow,
  planId: PlanId,
  graceUntil: number | null = null,
): Promise<void> {
  const plan = planFor(planId);
  await send(ctx, await addressOf(ctx, row), planChangedMessage(row.language, plan, graceUntil));
}
