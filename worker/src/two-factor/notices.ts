/**
 * The mail two-factor changes send to the account's address: on, off, each
 * recovery-code sign-in, a passkey added or removed. Best effort: the change
 * is made either way. Never to an unverified address (the rule of the
 * new-sign-in notice, mailer.ts): anyone can register with someone else's
 * address, and a stranger's inbox must not learn when this account's second
 * factor changes or a recovery code signs it in.
 */
import type { DeviceKind } from "@cargo-vpn/shared";
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import { addressOf } from "../email/mailer";
import { bestEffort, queueEmail } from "../email/outbox";
import type { MessageContent } from "../email/templates";
import {
  passkeyAddedMessage,
  passkeyRemovedMessage,
  recoveryCodeUsedMessage,
  twoFactorDisabledMessage,
  twoFactorEnabledMessage,
} from "../email/templates";

async function notify(ctx: AppContext, row: AccountRow, content: MessageContent): Promise<void> {
  if (!row.emailVerified) return;
  await bestEffort((async () => queueEmail(ctx, { to: await addressOf(ctx, row), ...content }))());
}

export const noticeTwoFactorEnabled = (ctx: AppContext, row: AccountRow, atMs = Date.now()) =>
  notify(ctx, row, twoFactorEnabledMessage(row.language, atMs));

export const noticeTwoFactorDisabled = (ctx: AppContext, row: AccountRow, atMs = Date.now()) =>
  notify(ctx, row, twoFactorDisabledMessage(row.language, atMs));

export const noticeRecoveryCodeUsed = (
  ctx: AppContext,
  row: AccountRow,
  device: { kind: DeviceKind; label: string },
  codesLeft: number,
  atMs = Date.now(),
) => notify(ctx, row, recoveryCodeUsedMessage(row.language, device, codesLeft, atMs));

export const noticePasskeyAdded = (ctx: AppContext, row: AccountRow, atMs = Date.now()) =>
  notify(ctx, row, passkeyAddedMessage(row.language, atMs));

export const noticePasskeyRemoved = (ctx: AppContext, row: AccountRow, atMs = Date.now()) =>
  notify(ctx, row, passkeyRemovedMessage(row.language, atMs));
