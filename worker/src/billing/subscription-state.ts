/**
 * A Stripe subscription object reduced to what the account keeps (plan,
 * status, dates), and the rule that decides whether an incoming state may
 * replace the stored one, so events delivered late or out of order never
 * move a plan backwards.
 */
import { z } from "zod";
import type { PlanId } from "../constants";
import type { Settings } from "../settings";
import { planOfPrice } from "./prices";
import { isLive } from "./subscription-store";

/** The fields of Stripe's subscription object (API 2026-10-28: periods live on the items) the worker reads. */
export const StripeSubscription = z.object({
  id: z.string(),
  object: z.literal("subscription"),
  customer: z.union([z.string(), z.object({ id: z.string() })]),
  status: z.string(),
  cancel_at: z.number().nullish(),
  cancel_at_period_end: z.boolean().nullish(),
  canceled_at: z.number().nullish(),
  ended_at: z.number().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  items: z.object({ data: z.array(z.object({ current_period_end: z.number(), price: z.object({ id: z.string() }) })) }),
});
export type StripeSubscription = z.infer<typeof StripeSubscription>;

export function customerOf(sub: StripeSubscription): string {
  return typeof sub.customer === "string" ? sub.customer : sub.customer.id;
}

export interface SubscriptionState {
  subscriptionId: string;
  status: string;
  /**
   * What the subscription grants now: its plan while it is paid for, free
   * otherwise; null while it is paid for at a price STRIPE_PRICES does not
   * list (retired or never sold): the plan on record is kept.
   */
  planId: PlanId | null;
  renewsAt: number | null;
  cancelAt: number | null;
  /** Stripe's `created` (seconds) of the event this state came with. */
  eventCreated: number;
}

export function stateOf(settings: Settings, sub: StripeSubscription, eventCreated: number): SubscriptionState {
  const periodEnd = sub.items.data[0]?.current_period_end ?? null;
  const price = sub.items.data[0]?.price.id;
  const live = isLive(sub.status);
  // Only the price decides: metadata is written by whoever created the subscription, so it grants nothing.
  const plan = price ? planOfPrice(settings, price) : undefined;
  if (live && !plan) console.warn("billing: subscription price not in STRIPE_PRICES (unknown_price); plan kept");
  const ms = (seconds: number | null | undefined) => (seconds == null ? null : seconds * 1000);
  const cancelAt =
    sub.status === "canceled" ? (sub.ended_at ?? sub.canceled_at) : (sub.cancel_at ?? (sub.cancel_at_period_end ? periodEnd : null));
  return {
    subscriptionId: sub.id,
    status: sub.status,
    planId: live ? (plan ?? null) : "free",
    renewsAt: live && cancelAt == null ? ms(periodEnd) : null,
    cancelAt: ms(cancelAt),
    eventCreated,
  };
}

const TERMINAL = new Set(["canceled", "incomplete_expired"]);

export interface StoredState {
  subscriptionId: string | null;
  status: string | null;
  eventCreated: number;
}

/**
 * "apply": the incoming state is newer; "stale": keep what is stored;
 * "refetch": same subscription and the same second (Stripe's clock has
 * one-second resolution), so only Stripe's current object can tell.
 */
export function decide(stored: StoredState, incoming: SubscriptionState): "apply" | "stale" | "refetch" {
  if (stored.subscriptionId === null || stored.status === null) return "apply";
  if (stored.subscriptionId === incoming.subscriptionId) {
    // An ended subscription never comes back at Stripe; anything claiming otherwise is an old event.
    if (TERMINAL.has(stored.status)) return "stale";
    if (incoming.eventCreated < stored.eventCreated) return "stale";
    if (incoming.eventCreated === stored.eventCreated) return "refetch";
    return "apply";
  }
  // Another subscription: it takes over only if it is newer, and an ended one never replaces a live one.
  if (incoming.eventCreated < stored.eventCreated) return "stale";
  return isLive(incoming.status) || !isLive(stored.status) ? "apply" : "stale";
}
