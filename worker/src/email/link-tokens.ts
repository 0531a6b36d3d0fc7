/**
 * Single-use tokens for email links. A token is 256 random bits; only its
 * SHA-256 is stored, with the account, what the link is for, the blind index
 * of the address it went to, and when it expires (24 h to verify, 1 h to
 * reset or delete). Redeeming deletes the row in the same statement that
 * finds it, so two uses can never both succeed; an unknown, used, expired or
 * other-purpose token is 400 invalid_token and changes nothing.
 *
 *   const token = await issueLinkToken(db, account.id, "reset", account.emailIndex);
 *   const { accountId } = await redeemLinkToken(db, "reset", token);
 */
import { and, eq, gt, lt } from "drizzle-orm";
import { DELETION_LINK_TTL_MS, EMAIL_CHANGE_UNDO_MS, EMAIL_TOKEN_BYTES, RESET_LINK_TTL_MS, VERIFY_LINK_TTL_MS } from "../constants";
import { randomToken, tokenHash } from "../crypto/keyed-hash";
import type { Db } from "../db/client";
import { emailTokens } from "../db/schema";
import { Problem } from "../problem";

/** "email-change": confirms a new address (to it); "email-change-undo": undoes the change (to the old one). */
export type LinkPurpose = "verify" | "reset" | "deletion" | "email-change" | "email-change-undo";

const LIFETIME_MS: Record<LinkPurpose, number> = {
  verify: VERIFY_LINK_TTL_MS,
  reset: RESET_LINK_TTL_MS,
  deletion: DELETION_LINK_TTL_MS,
  "email-change": VERIFY_LINK_TTL_MS,
  "email-change-undo": EMAIL_CHANGE_UNDO_MS,
};

export async function issueLinkToken(db: Db, accountId: string, purpose: LinkPurpose, emailIndex: string, nowMs = Date.now()) {
  const token = randomToken(EMAIL_TOKEN_BYTES);
  await db.insert(emailTokens).values({
    tokenHash: await tokenHash(token),
    accountId,
    purpose,
    emailIndex,
    expiresAt: nowMs + LIFETIME_MS[purpose],
  });
  return token;
}

export interface RedeemedLink {
  accountId: string;
  /** Blind index of the address the link was sent to. */
  emailIndex: string;
}

export function invalidLink(): Problem {
  return new Problem("invalid_token", "This link is not valid: it was already used, it expired, or it was mistyped. Ask for a new one.");
}

export async function redeemLinkToken(db: Db, purpose: LinkPurpose, token: string, nowMs = Date.now()): Promise<RedeemedLink> {
  const [redeemed] = await db
    .delete(emailTokens)
    .where(and(eq(emailTokens.tokenHash, await tokenHash(token)), eq(emailTokens.purpose, purpose), gt(emailTokens.expiresAt, nowMs)))
    .returning({ accountId: emailTokens.accountId, emailIndex: emailTokens.emailIndex });
  if (!redeemed) throw invalidLink();
  return redeemed;
}

/** Forgets the account's outstanding links of one kind (a newer link, a changed address or password made them moot). */
export async function revokeLinkTokens(db: Db, accountId: string, purpose: LinkPurpose): Promise<void> {
  await db.delete(emailTokens).where(and(eq(emailTokens.accountId, accountId), eq(emailTokens.purpose, purpose)));
}

/** Expired tokens are useless; the cron trigger deletes them. */
export async function purgeExpiredLinkTokens(db: Db, nowMs: number): Promise<void> {
  await db.delete(emailTokens).where(lt(emailTokens.expiresAt, nowMs));
}

/** The live token's account and address without using it up (a reset checks the username first); 400 invalid_token otherwise. */
export async function peekLinkToken(db: Db, purpose: LinkPurpose, token: string, nowMs = Date.now()): Promise<RedeemedLink> {
  const found = await db
    .select({ accountId: emailTokens.accountId, emailIndex: emailTokens.emailIndex })
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, await tokenHash(token)), eq(emailTokens.purpose, purpose), gt(emailTokens.expiresAt, nowMs)))
    .get();
  if (!found) throw invalidLink();
  return found;
}
