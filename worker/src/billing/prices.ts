/**
 * What is for sale: the Stripe price id for each paid plan and interval with
 * its display amount, from the STRIPE_PRICES configuration (JSON, parsed in
 * settings.ts), and the way back from a subscription's price id to the plan
 * it grants.
 *
 *   STRIPE_PRICES='{"plus":{"month":{"price":"price_…","amount":499,"currency":"eur"}}}'
 *   priceFor(ctx.settings, "plus", "month")   // "price_…"
 */
import { PLANS, type PlanId } from "../constants";
import { INTERVALS, type Interval, type Settings } from "../settings";

export type { Interval } from "../settings";

export function priceFor(settings: Settings, plan: "plus" | "team", interval: Interval): string | undefined {
  return settings.stripe.prices[plan]?.[interval]?.price;
}

/** The paid plan a Stripe price id belongs to, or undefined for a price this deployment does not sell. */
export function planOfPrice(settings: Settings, priceId: string): PlanId | undefined {
  for (const [plan, intervals] of Object.entries(settings.stripe.prices)) {
    for (const entry of Object.values(intervals ?? {})) if (entry?.price === priceId) return plan as PlanId;
  }
  return undefined;
}

/** GET /v1/plans: every plan with its device limit and the prices it is sold at. */
export function plansView(settings: Settings) {
  const catalogue = settings.stripe.prices;
  return Object.values(PLANS).map((plan) => ({
    id: plan.id,
    name: plan.name,
    maxDevices: plan.maxDevices,
    prices: INTERVALS.flatMap((interval) => {
      const entry = plan.id === "free" ? undefined : catalogue[plan.id]?.[interval];
      return entry ? [{ id: entry.price, interval, amount: entry.amount, currency: entry.currency }] : [];
    }),
  }));
}
