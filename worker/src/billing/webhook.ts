/**
 * Stripe webhooks (POST /v1/billing/webhook): the signature is checked on the
 * raw body with Stripe's own library, each event id is applied at most once
 * (a D1 insert decides between concurrent deliveries; a failed application
 * gives the id back so Stripe's retry can apply it), and the events that
 * matter are turned into subscription states for apply-subscription.ts.
 * Events for customers this service does not know, and event types it does
 * not use, are acknowledged and ignored.
 */
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { z } from "zod";
import { BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS, WEBHOOK_TOLERANCE_SECONDS } from "../constants";
import type { AppContext } from "../context";
import { billingEvents } from "../db/schema";
import { Problem } from "../problem";
import { applySubscriptionState } from "./apply-subscription";
import { cancelExtraSubscription } from "./extra-subscription";
import { isGone, stripeClient, webhookCrypto } from "./stripe-client";
import { findByCustomer } from "./subscription-store";
import { customerOf, StripeSubscription, stateOf } from "./subscription-state";

const badSignature = (why: string) =>
  new Problem("validation_failed", `The Stripe-Signature header ${why}.`, { errors: [{ path: "header.stripe-signature", message: why }] });

/** The verified event, or a 400 problem for a missing, wrong or stale signature. */
export async function verifyEvent(ctx: AppContext, rawBody: string, signature: string | undefined): Promise<Stripe.Event> {
  const { webhookSecret } = ctx.settings.stripe;
  if (!webhookSecret)
    throw new Problem("unavailable", "Billing is not configured.", {}, { "retry-after": String(BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS) });
  if (!signature) throw badSignature("is missing");
  try {
    return await Stripe.webhooks.constructEventAsync(rawBody, signature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS, webhookCrypto);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw badSignature("does not match the body, or is too old");
    throw badSignature("could not be checked");
  }
}

export type EventOutcome = "applied" | "duplicate" | "ignored" | "stale";

export async function processEvent(ctx: AppContext, event: Stripe.Event, nowMs = Date.now()): Promise<EventOutcome> {
  const { db } = ctx;
  const claimed = await db
    .insert(billingEvents)
    .values({ eventId: event.id, receivedAt: nowMs })
    .onConflictDoNothing()
    .returning({ eventId: billingEvents.eventId });
  if (claimed.length === 0) return "duplicate";
  try {
    return await applyEvent(ctx, event);
  } catch (error) {
    // Not applied: forget the id so Stripe's retry of this delivery is applied.
    await db.delete(billingEvents).where(eq(billingEvents.eventId, event.id));
    throw error;
  }
}

const CheckoutSession = z.object({
  mode: z.string(),
  customer: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  subscription: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
});
const Invoice = z.object({
  customer: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  parent: z
    .object({ subscription_details: z.object({ subscription: z.union([z.string(), z.object({ id: z.string() })]) }).nullish() })
    .nullish(),
});
const idOf = (value: string | { id: string } | null | undefined) => (value == null ? null : typeof value === "string" ? value : value.id);

async function applyEvent(ctx: AppContext, event: Stripe.Event): Promise<EventOutcome> {
  switch (event.type) {
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const sub = StripeSubscription.parse(event.data.object);
      return applyFromPayload(ctx, sub, event.created);
    }
    case "checkout.session.completed": {
      const session = CheckoutSession.parse(event.data.object);
      if (session.mode !== "subscription") return "ignored";
      return applyFromStripe(ctx, idOf(session.customer), idOf(session.subscription), event.created);
    }
    case "invoice.payment_failed": {
      // The plan stays while Stripe retries (the subscription is past_due); its final cancellation arrives as customer.subscription.deleted.
      const invoice = Invoice.parse(event.data.object);
      return applyFromStripe(ctx, idOf(invoice.customer), idOf(invoice.parent?.subscription_details?.subscription), event.created);
    }
    default:
      return "ignored";
  }
}

async function applyFromPayload(ctx: AppContext, sub: StripeSubscription, created: number): Promise<EventOutcome> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const found = await findByCustomer(db, keys, customerOf(sub));
  if (!found) return "ignored";
  const outcome = await applySubscriptionState(ctx, found.account, stateOf(ctx.settings, sub, created), false);
  if (outcome === "extra") return cancelExtra(ctx, sub.id);
  if (outcome !== "refetch") return outcome;
  return applyFromStripe(ctx, customerOf(sub), sub.id, created);
}

/** For events that do not carry the subscription (or tie with what is stored): read it from Stripe. */
async function applyFromStripe(
  ctx: AppContext,
  customerId: string | null,
  subscriptionId: string | null,
  created: number,
): Promise<EventOutcome> {
  const { db } = ctx;
  const keys = await ctx.keys();
  if (!customerId || !subscriptionId) return "ignored";
  const found = await findByCustomer(db, keys, customerId);
  if (!found) return "ignored";
  let fetched: unknown;
  try {
    fetched = await stripeClient(ctx).subscriptions.retrieve(subscriptionId);
  } catch (error) {
    // Stripe does not know it (any more): nothing here can be updated from it.
    if (isGone(error)) return "ignored";
    throw error;
  }
  const sub = StripeSubscription.parse(fetched);
  if (customerOf(sub) !== customerId) return "ignored";
  const outcome = await applySubscriptionState(ctx, found.account, stateOf(ctx.settings, sub, created), true);
  if (outcome === "extra") return cancelExtra(ctx, sub.id);
  return outcome === "applied" ? "applied" : "stale";
}

/** Cancels and refunds a second live subscription; the event counts as applied (what it asked for was acted on). */
async function cancelExtra(ctx: AppContext, subscriptionId: string): Promise<EventOutcome> {
  await cancelExtraSubscription(ctx, subscriptionId);
  return "applied";
}
