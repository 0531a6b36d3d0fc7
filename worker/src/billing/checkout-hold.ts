/**
 * At most one open Stripe Checkout per account (issue 20, item 5). Opening
 * one first claims the account's hold with a compare-and-swap in D1, so of
 * parallel checkouts exactly one goes on to Stripe; the hold lasts as long as
 * the Checkout Session it opens (Stripe expires it then). While it holds, a
 * checkout for the same plan and interval gets the same session again, and
 * any other answers 409 checkout_open. A subscription state applied to the
 * account ends the hold (apply-subscription.ts).
 */
import { and, eq, isNull, lte, or } from "drizzle-orm";
import { type AccountRow, dataKeyOf } from "../accounts/accounts";
import { CHECKOUT_HOLD_MS } from "../constants";
import type { AppContext } from "../context";
import { decryptField, encryptField } from "../crypto/envelope";
import { subscriptions } from "../db/schema";
import { Problem } from "../problem";
import type { Interval } from "./prices";

const CHECKOUT_FIELD = "stripe-checkout";
/** How long a parallel checkout waits for the one opening its session at Stripe. */
const OPENING_WAIT_MS = 10_000;
const OPENING_POLL_MS = 200;
const OPENING_RETRY_SECONDS = 5;

interface HeldCheckout {
  plan: string;
  interval: string;
  url: string;
}

/** When a Checkout Session opened now expires (Stripe seconds): the hold, plus a minute so Stripe's clock never finds it under 30 minutes. */
export function checkoutExpiry(nowMs: number): number {
  return Math.ceil((nowMs + CHECKOUT_HOLD_MS) / 1000) + 60;
}

/**
 * Claims the account's checkout (its billing row must exist): null when this
 * caller holds it now and opens the session; the URL of the open one for the
 * same plan and interval; otherwise 409 checkout_open.
 */
export async function claimCheckout(
  ctx: AppContext,
  account: AccountRow,
  plan: string,
  interval: Interval,
  nowMs = Date.now(),
): Promise<string | null> {
  const { db } = ctx;
  const held = (row: { checkoutUntil: number | null } | undefined) => (row?.checkoutUntil ?? 0) > nowMs;
  const readRow = () => db.select().from(subscriptions).where(eq(subscriptions.accountId, account.id)).get();
  let row: Awaited<ReturnType<typeof readRow>>;
  for (let waited = 0; ; ) {
    const claimed = await db
      .update(subscriptions)
      .set({ checkoutUntil: checkoutExpiry(nowMs) * 1000, checkoutCiphertext: null })
      .where(and(eq(subscriptions.accountId, account.id), or(isNull(subscriptions.checkoutUntil), lte(subscriptions.checkoutUntil, nowMs))))
      .returning({ accountId: subscriptions.accountId });
    if (claimed.length === 1) return null;
    row = await readRow();
    // A parallel request holds the checkout but is still at Stripe: wait for its session rather than refuse
    // (a double click must not read "try again in 31 minutes").
    while (row && !row.checkoutCiphertext && held(row) && waited < OPENING_WAIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, OPENING_POLL_MS));
      waited += OPENING_POLL_MS;
      row = await readRow();
    }
    // It gave the hold back (Stripe failed, releaseCheckout): nothing is open, so this request takes the hold.
    // (Counted as a poll, so claims raced away again and again still end.)
    if (!row || held(row) || waited > 2 * OPENING_WAIT_MS) break;
    waited += OPENING_POLL_MS;
  }
  if (row?.checkoutCiphertext && held(row)) {
    const key = await dataKeyOf(await ctx.keys(), account);
    const open = JSON.parse(await decryptField(key, account.id, CHECKOUT_FIELD, row.checkoutCiphertext)) as HeldCheckout;
    if (open.plan === plan && open.interval === interval) return open.url;
  }
  if (row && !row.checkoutCiphertext && held(row)) {
    throw new Problem(
      "checkout_open",
      "A checkout for this account is being opened right now. Try again in a few seconds.",
      {},
      {
        "Retry-After": String(OPENING_RETRY_SECONDS),
      },
    );
  }
  const minutes = Math.max(1, Math.ceil(((row?.checkoutUntil ?? nowMs) - nowMs) / 60_000));
  throw new Problem(
    "checkout_open",
    `A checkout for this account is already open. Finish it, or try again in ${minutes} minute${minutes === 1 ? "" : "s"} when it has expired.`,
  );
}

/** Keeps the session this caller opened, so a repeat of the same checkout gets it back. */
export async function recordCheckout(ctx: AppContext, account: AccountRow, held: HeldCheckout): Promise<void> {
  const key = await dataKeyOf(await ctx.keys(), account);
  await ctx.db
    .update(subscriptions)
    .set({ checkoutCiphertext: await encryptField(key, account.id, CHECKOUT_FIELD, JSON.stringify(held)) })
    .where(eq(subscriptions.accountId, account.id));
}

/** Gives the hold back when no session could be opened, so the person can try again at once. */
export async function releaseCheckout(ctx: AppContext, accountId: string): Promise<void> {
  await ctx.db.update(subscriptions).set({ checkoutUntil: null, checkoutCiphertext: null }).where(eq(subscriptions.accountId, accountId));
}
