/**
 * What the service tells people by email, one function per message. Each
 * builds its content (templates.ts), and hands it to the queue (outbox.ts);
 * link messages first issue the link's token (link-tokens.ts). Callers pass
 * the plaintext address they already decrypted, or the account row and let
 * the function decrypt it.
 *
 *   await sendVerificationLink(env, db, row, address);
 *   await sendPlanChangedNotice(env, row, "plus");   // billing, after a plan change
 */
import type { DeviceKind, TokenResponse } from "@cargo-vpn/shared";
import { dataKeyOf, type AccountRow } from "../accounts/accounts";
import { type PlanId, planFor } from "../config";
import { decryptField } from "../crypto/envelope";
import { serverKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { issueLinkToken, revokeLinkTokens } from "./link-tokens";
import { queueEmail } from "./outbox";
import { linkTo } from "./sender";
import {
  accountDeletedMessage,
  deletionLinkMessage,
  emailChangedMessage,
  type MessageContent,
  newDeviceMessage,
  passwordChangedMessage,
  passwordResetMessage,
  planChangedMessage,
  verifyEmailMessage,
} from "./templates";

type LinkRow = Pick<AccountRow, "id" | "emailIndex">;

function send(env: Env, to: string, content: MessageContent): Promise<void> {
  return queueEmail(env, { to, ...content });
}

/** The account's current address, decrypted. */
export async function addressOf(env: Env, row: AccountRow): Promise<string> {
  const keys = await serverKeys(env);
  return decryptField(await dataKeyOf(keys, row), row.id, "email", row.emailCiphertext);
}

/** A fresh verification link (24 h) to `address`; older verification links stop working. */
export async function sendVerificationLink(env: Env, db: Db, row: LinkRow, address: string): Promise<void> {
  await revokeLinkTokens(db, row.id, "verify");
  const token = await issueLinkToken(db, row.id, "verify", row.emailIndex);
  await send(env, address, verifyEmailMessage(linkTo(env, "verify-email", token)));
}

/** A password-reset link (1 h); older reset links stop working. */
export async function sendPasswordResetLink(env: Env, db: Db, row: LinkRow, address: string): Promise<void> {
  await revokeLinkTokens(db, row.id, "reset");
  const token = await issueLinkToken(db, row.id, "reset", row.emailIndex);
  await send(env, address, passwordResetMessage(linkTo(env, "reset-password", token)));
}

/** A link (1 h) to confirm erasing the account; older ones stop working. */
export async function sendDeletionLink(env: Env, db: Db, row: LinkRow, address: string): Promise<void> {
  await revokeLinkTokens(db, row.id, "deletion");
  const token = await issueLinkToken(db, row.id, "deletion", row.emailIndex);
  await send(env, address, deletionLinkMessage(linkTo(env, "delete-account", token)));
}

/**
 * After a sign-in: a device that took a new slot (its slot was registered by
 * this very sign-in, not one signing in again) gets the account a notice,
 * unless the account turned them off.
 */
export async function noticeIfNewDevice(env: Env, signedIn: TokenResponse): Promise<void> {
  const { account, device } = signedIn;
  if (!account.notifyNewDevice || device.registeredAt !== device.lastSeenAt) return;
  await sendNewDeviceNotice(env, account.email, device, Date.parse(device.registeredAt));
}

/** Device kind, label and time only: never an IP address or place. */
export function sendNewDeviceNotice(env: Env, address: string, device: { kind: DeviceKind; label: string }, atMs = Date.now()) {
  return send(env, address, newDeviceMessage(device, atMs));
}

export function sendPasswordChangedNotice(env: Env, address: string, atMs = Date.now()) {
  return send(env, address, passwordChangedMessage(atMs));
}

/** To the old address, after the account moved to a new one. */
export function sendEmailChangedNotice(env: Env, oldAddress: string, atMs = Date.now()) {
  return send(env, oldAddress, emailChangedMessage(atMs));
}

/** The last message: queued before the erasure, so it survives it and is retried until sent. */
export function sendAccountDeletedNotice(env: Env, address: string, atMs = Date.now()) {
  return send(env, address, accountDeletedMessage(atMs));
}

/**
 * For billing: tells the account's owner their plan is now `planId`. Call it
 * after the plan change is stored, with the account's row (before or after
 * the change: only id, wrapped key and email ciphertext are read).
 */
export async function sendPlanChangedNotice(env: Env, row: AccountRow, planId: PlanId): Promise<void> {
  const plan = planFor(planId);
  await send(env, await addressOf(env, row), planChangedMessage(plan));
}
