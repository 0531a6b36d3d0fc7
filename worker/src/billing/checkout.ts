/**
 * Starting a purchase and managing it: a hosted Stripe Checkout session for a
 * plan and interval, and a hosted Customer Portal session. Card and billing
 * details are entered only on those Stripe pages. The account's Stripe
 * customer is created here, with no personal data (Checkout asks for what it
 * needs), and linked to the account before the person pays, so the webhooks
 * that follow find the account.
 */
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import type { Settings } from "../settings";
import { Problem } from "../problem";
import { type Interval, priceFor } from "./prices";
import { checkoutExpiry, claimCheckout, recordCheckout, releaseCheckout } from "./checkout-hold";
import { atStripe, isGone, stripeClient } from "./stripe-client";
import { billingRowOf, isLive, linkCustomer, replaceCustomer, stripeIdsOf } from "./subscription-store";

function returnUrl(settings: Settings, outcome: string): string {
  const url = new URL(settings.billingReturnUrl);
  url.searchParams.set("billing", outcome);
  return url.toString();
}

export async function startCheckout(ctx: AppContext, account: AccountRow, plan: "plus" | "team", interval: Interval): Promise<string> {
  const { db } = ctx;
  const keys = await ctx.keys();
  if (!account.emailVerified) {
    throw new Problem("email_unverified", "Confirm your email address first: use the link we sent you, or ask for a new one.");
  }
  const existing = await billingRowOf(db, account.id);
  if (existing && isLive(existing.status)) {
    throw new Problem(
      "already_subscribed",
      "This account already has a subscription. Change or cancel it in the billing portal (POST /v1/billing/portal).",
    );
  }
  const price = priceFor(ctx.settings, plan, interval);
  if (!price) throw new Problem("not_found", `The ${plan} plan is not sold by the ${interval} here.`);
  const stripe = stripeClient(ctx);

  let customerId = existing ? (await stripeIdsOf(keys, account, existing)).customerId : null;
  if (!customerId) {
    const created = await atStripe(() => stripe.customers.create({}));
    customerId = await linkCustomer(db, keys, account, created.id);
    // A parallel checkout linked its customer first: drop ours, it holds nothing.
    if (customerId !== created.id) await stripe.customers.del(created.id).catch(() => {});
  }
  // Of parallel checkouts one opens a session; the others get it back or 409 checkout_open (checkout-hold.ts).
  const nowMs = Date.now();
  const open = await claimCheckout(ctx, account, plan, interval, nowMs);
  if (open) return open;
  const create = (customer: string) =>
    atStripe(() =>
      stripe.checkout.sessions.create({
        mode: "subscription",
        customer,
        line_items: [{ price, quantity: 1 }],
        subscription_data: { metadata: { plan } },
        expires_at: checkoutExpiry(nowMs),
        success_url: returnUrl(ctx.settings, "success"),
        cancel_url: returnUrl(ctx.settings, "cancel"),
      }),
    );
  let session: Awaited<ReturnType<typeof create>>;
  try {
    try {
      session = await create(customerId);
    } catch (error) {
      if (!isGone(error)) throw error;
      // The customer on record was deleted at Stripe (by support): buying again starts with a new one.
      const created = await atStripe(() => stripe.customers.create({}));
      await replaceCustomer(db, keys, account, created.id);
      session = await create(created.id);
    }
    if (!session.url) throw new Error("checkout session without url");
  } catch (error) {
    await releaseCheckout(ctx, account.id);
    throw error;
  }
  await recordCheckout(ctx, account, { plan, interval, url: session.url });
  return session.url;
}

export async function openPortal(ctx: AppContext, account: AccountRow): Promise<string> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const row = await billingRowOf(db, account.id);
  if (!row?.subscriptionCiphertext)
    throw new Problem("not_found", "This account has no subscription to manage. Buy one with POST /v1/billing/checkout.");
  const { customerId } = await stripeIdsOf(keys, account, row);
  try {
    const session = await atStripe(() =>
      stripeClient(ctx).billingPortal.sessions.create({ customer: customerId, return_url: returnUrl(ctx.settings, "portal") }),
    );
    return session.url;
  } catch (error) {
    // The customer was deleted at Stripe (by support, in the dashboard): there is nothing to manage.
    if (isGone(error)) throw new Problem("not_found", "This account has no subscription to manage any more.");
    throw error;
  }
}
