/**
 * The `subscriptions` table: which Stripe customer belongs to which account,
 * and the subscription's plan, status and dates. Stripe ids are sealed with
 * the account's data key (so they die with it on erasure); webhooks find the
 * account again by a keyed blind index of the customer id.
 */
import type { Subscription } from "@cargo-vpn/shared";
import { toBase64Url } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import { type AccountRow, dataKeyOf } from "../accounts/accounts";
import { decryptField, encryptField } from "../crypto/envelope";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { accounts, subscriptions } from "../db/schema";

export type SubscriptionRow = typeof subscriptions.$inferSelect;

const CUSTOMER_FIELD = "stripe-customer";
const SUBSCRIPTION_FIELD = "stripe-subscription";
const encoder = new TextEncoder();

/** Keyed blind index of a Stripe customer id (its own label, so it never equals a username or email index). */
async function customerIndex(keys: ServerKeys, customerId: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", keys.index, encoder.encode(`cargo-vpn/index/stripe-customer/v1\u0000${customerId}`));
  return toBase64Url(new Uint8Array(mac));
}

export function newRevision(): string {
  return crypto.randomUUID();
}

export async function billingRowOf(db: Db, accountId: string): Promise<SubscriptionRow | undefined> {
  return db.select().from(subscriptions).where(eq(subscriptions.accountId, accountId)).get();
}

export async function findByCustomer(
  db: Db,
  keys: ServerKeys,
  customerId: string,
): Promise<{ billing: SubscriptionRow; account: AccountRow } | undefined> {
  const found = await db
    .select({ billing: subscriptions, account: accounts })
    .from(subscriptions)
    .innerJoin(accounts, eq(accounts.id, subscriptions.accountId))
    .where(eq(subscriptions.customerIndex, await customerIndex(keys, customerId)))
    .get();
  return found ?? undefined;
}

export interface StripeIds {
  customerId: string;
  subscriptionId: string | null;
}

export async function stripeIdsOf(keys: ServerKeys, account: AccountRow, row: SubscriptionRow): Promise<StripeIds> {
  const key = await dataKeyOf(keys, account);
  return {
    customerId: await decryptField(key, account.id, CUSTOMER_FIELD, row.customerCiphertext),
    subscriptionId: row.subscriptionCiphertext ? await decryptField(key, account.id, SUBSCRIPTION_FIELD, row.subscriptionCiphertext) : null,
  };
}

export async function sealSubscriptionId(keys: ServerKeys, account: AccountRow, subscriptionId: string): Promise<string> {
  return encryptField(await dataKeyOf(keys, account), account.id, SUBSCRIPTION_FIELD, subscriptionId);
}

/**
 * Records the account's Stripe customer unless it already has one; returns
 * the customer id that is on record (the first of two racing checkouts wins).
 */
export async function linkCustomer(db: Db, keys: ServerKeys, account: AccountRow, customerId: string, nowMs = Date.now()): Promise<string> {
  const key = await dataKeyOf(keys, account);
  await db
    .insert(subscriptions)
    .values({
      accountId: account.id,
      customerIndex: await customerIndex(keys, customerId),
      customerCiphertext: await encryptField(key, account.id, CUSTOMER_FIELD, customerId),
      revision: newRevision(),
      updatedAt: nowMs,
    })
    .onConflictDoNothing({ target: subscriptions.accountId });
  const row = await billingRowOf(db, account.id);
  if (!row) throw new Error("billing row vanished");
  return (await stripeIdsOf(keys, account, row)).customerId;
}

/**
 * Replaces a customer that no longer exists at Stripe (deleted by support) so
 * the account can buy again; the status of the old subscription is kept until
 * the new one's events arrive.
 */
export async function replaceCustomer(
  db: Db,
  keys: ServerKeys,
  account: AccountRow,
  customerId: string,
  nowMs = Date.now(),
): Promise<void> {
  const key = await dataKeyOf(keys, account);
  await db
    .update(subscriptions)
    .set({
      customerIndex: await customerIndex(keys, customerId),
      customerCiphertext: await encryptField(key, account.id, CUSTOMER_FIELD, customerId),
      subscriptionCiphertext: null,
      revision: newRevision(),
      updatedAt: nowMs,
    })
    .where(eq(subscriptions.accountId, account.id));
}

const LIVE = new Set(["active", "trialing", "past_due"]);

/** Stripe statuses in which the subscription is paid for (past_due: Stripe is still retrying the payment). */
export function isLive(status: string | null): boolean {
  return status !== null && LIVE.has(status);
}

/** `Account.subscription`, from a billing row already read: null until the account has had a subscription. */
export function subscriptionOf(row: Pick<SubscriptionRow, "status" | "renewsAt" | "cancelAt"> | null | undefined): Subscription | null {
  if (!row?.status) return null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { status: row.status, renewsAt: iso(row.renewsAt), cancelAt: iso(row.cancelAt) };
}
