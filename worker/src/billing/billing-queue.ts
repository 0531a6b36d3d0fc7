/**
 * Ending an erased account's business at Stripe: its subscription is
 * canceled and its customer deleted. Erasure tries at once; if Stripe cannot
 * be reached the erasure still completes and the clean-up goes to the
 * BILLING_QUEUE (cargo-vpn-billing), whose consumer retries until Stripe
 * answers. A message holds only the two Stripe ids (no account id, nothing
 * personal); both calls are idempotent, an object already gone counts as done.
 *
 *   await endAtStripe(ctx, ids)              // from eraseAccount
 *   queue(batch, env) → handleBillingQueue(appContext(env), batch)   // worker/src/index.ts
 */
import type { AccountRow } from "../accounts/accounts";
import { BILLING_MAX_RETRY_DELAY_SECONDS, BILLING_RETRY_DELAY_SECONDS } from "../constants";
import type { AppContext } from "../context";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import type { BillingMessage } from "../queue-messages";
import { isGone, stripeClient } from "./stripe-client";
import { billingRowOf, type StripeIds, stripeIdsOf } from "./subscription-store";

/** The account's Stripe ids, read before erasure destroys the key that opens them. */
export async function stripeIdsForErasure(db: Db, keys: ServerKeys, account: AccountRow): Promise<StripeIds | null> {
  const row = await billingRowOf(db, account.id);
  return row ? stripeIdsOf(keys, account, row) : null;
}

async function endCustomer(ctx: AppContext, ids: StripeIds): Promise<void> {
  const stripe = stripeClient(ctx);
  if (ids.subscriptionId) {
    await stripe.subscriptions.cancel(ids.subscriptionId).catch((error: unknown) => {
      if (!isGone(error) && !isAlreadyCanceled(error)) throw error;
    });
  }
  await stripe.customers.del(ids.customerId).catch((error: unknown) => {
    if (!isGone(error)) throw error;
  });
}

function isAlreadyCanceled(error: unknown): boolean {
  return error instanceof Error && "statusCode" in error && error.statusCode === 400 && /cancel/i.test(error.message);
}

/** Cancels and deletes at Stripe now, or queues it when Stripe cannot be reached. Never throws: erasure must complete. */
export async function endAtStripe(ctx: AppContext, ids: StripeIds): Promise<"done" | "queued"> {
  const { env } = ctx;
  try {
    await endCustomer(ctx, ids);
    return "done";
  } catch (error) {
    console.error(`billing: Stripe clean-up deferred (${error instanceof Error ? error.name : "error"})`);
    await env.BILLING_QUEUE.send({ kind: "end-customer", customerId: ids.customerId, subscriptionId: ids.subscriptionId });
    return "queued";
  }
}

export async function handleBillingQueue(ctx: AppContext, batch: MessageBatch<BillingMessage>): Promise<void> {
  for (const message of batch.messages) {
    try {
      if (message.body.kind === "end-customer") await endCustomer(ctx, message.body);
      message.ack();
    } catch (error) {
      console.error(`billing: Stripe clean-up failed again (${error instanceof Error ? error.name : "error"}), retrying later`);
      // Backing off: with wrangler.toml's max_retries this keeps trying for weeks of Stripe trouble.
      const delaySeconds = Math.min(BILLING_RETRY_DELAY_SECONDS * 2 ** Math.max(0, message.attempts - 1), BILLING_MAX_RETRY_DELAY_SECONDS);
      message.retry({ delaySeconds });
    }
  }
}
