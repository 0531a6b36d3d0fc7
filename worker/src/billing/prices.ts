/**
 * What is for sale: the Stripe price id for each paid plan and interval with
 * its display amount, from the STRIPE_PRICES configuration (JSON), and the
 * way back from a subscription's price id to the plan it grants.
 *
 *   STRIPE_PRICES='{"plus":{"month":{"price":"price_…","amount":499,"currency":"eur"}}}'
 */
import { z } from "zod";
import { PLANS, type PlanId } from "../config";
import type { Env } from "../env";

export const INTERVALS = ["month", "year"] as const;
export type Interval = (typeof INTERVALS)[number];

const Entry = z.object({ price: z.string().min(1), amount: z.int().min(0), currency: z.string().length(3) });
const Catalogue = z.partialRecord(z.enum(["plus", "team"]), z.partialRecord(z.enum(INTERVALS), Entry));
export type PriceCatalogue = z.infer<typeof Catalogue>;

let cache: { source: string; catalogue: PriceCatalogue } | undefined;

/** The configured prices; an empty catalogue when none are set. A malformed value is a deployment error and throws. */
export function priceCatalogue(env: Env): PriceCatalogue {
  const source = env.STRIPE_PRICES ?? "";
  if (cache?.source !== source) cache = { source, catalogue: source ? Catalogue.parse(JSON.parse(source)) : {} };
  return cache.catalogue;
}

export function priceFor(env: Env, plan: "plus" | "team", interval: Interval): string | undefined {
  return priceCatalogue(env)[plan]?.[interval]?.price;
}

/** The paid plan a Stripe price id belongs to, or undefined for a price this deployment does not sell. */
export function planOfPrice(env: Env, priceId: string): PlanId | undefined {
  for (const [plan, intervals] of Object.entries(priceCatalogue(env))) {
    for (const entry of Object.values(intervals ?? {})) if (entry?.price === priceId) return plan as PlanId;
  }
  return undefined;
}

/** GET /v1/plans: every plan with its device limit and the prices it is sold at. */
export function plansView(env: Env) {
  const catalogue = priceCatalogue(env);
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
