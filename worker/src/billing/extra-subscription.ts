/**
 * A second live subscription for an account that already has one (two
 * checkouts paid before this service could refuse the second, or one made
 * at Stripe by hand) would keep billing after the tracked one is cancelled.
 * The webhook handler cancels it at once and refunds what its invoice took,
 * through Stripe's API (issue 20, item 5). Both steps are safe to repeat: a
 * subscription already cancelled is left alone, and each refund carries an
 * idempotency key of the payment it refunds, so Stripe makes it once.
 */
import type { AppContext } from "../context";
import { isGone, stripeClient } from "./stripe-client";

export async function cancelExtraSubscription(ctx: AppContext, subscriptionId: string): Promise<void> {
  const stripe = stripeClient(ctx);
  let latestInvoice: string | null = null;
  try {
    const sub = await stripe.subscriptions.retrieve(subscriptionId);
    latestInvoice = typeof sub.latest_invoice === "string" ? sub.latest_invoice : (sub.latest_invoice?.id ?? null);
    if (sub.status !== "canceled" && sub.status !== "incomplete_expired") {
      await stripe.subscriptions.cancel(subscriptionId, { prorate: false });
    }
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
  if (!latestInvoice) return;
  const payments = await stripe.invoicePayments.list({ invoice: latestInvoice, limit: 10 });
  for (const payment of payments.data) {
    const intent = payment.payment?.payment_intent;
    const id = typeof intent === "string" ? intent : intent?.id;
    if (payment.status !== "paid" || !id) continue;
    await stripe.refunds.create(
      { payment_intent: id, reason: "duplicate", metadata: { why: "second subscription" } },
      { idempotencyKey: `cargo-extra-subscription-refund-${id}` },
    );
  }
  console.warn("billing: a second live subscription was cancelled and refunded (extra_subscription)");
}
