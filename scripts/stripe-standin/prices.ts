/**
 * The local price catalogue: what `npm start`, the end-to-end tests and the
 * worker tests sell, in the worker's `STRIPE_PRICES` format (plan → interval →
 * Stripe price id with its display amount in minor units and currency). The
 * stack passes it to the worker as a var and seeds the Stripe stand-in with
 * the same ids, so both sides agree the way a real Stripe account and the
 * deployed configuration must.
 *
 *   startWorker({ vars: { STRIPE_PRICES: JSON.stringify(LOCAL_PRICES) } })
 */
export interface PriceEntry {
  price: string;
  amount: number;
  currency: string;
}

export type PriceCatalogue = Record<string, Partial<Record<"month" | "year", PriceEntry>>>;

export const LOCAL_PRICES: PriceCatalogue = {
  plus: {
    month: { price: "price_local_plus_month", amount: 499, currency: "eur" },
    year: { price: "price_local_plus_year", amount: 4790, currency: "eur" },
  },
  team: {
    month: { price: "price_local_team_month", amount: 999, currency: "eur" },
    year: { price: "price_local_team_year", amount: 9590, currency: "eur" },
  },
};

/** The catalogue as the stand-in's price list: id → amount, currency and billing interval. */
export function standinPrices(catalogue: PriceCatalogue): Record<string, { amount: number; currency: string; interval: "month" | "year" }> {
  const out: Record<string, { amount: number; currency: string; interval: "month" | "year" }> = {};
  for (const intervals of Object.values(catalogue)) {
    for (const [interval, entry] of Object.entries(intervals)) {
      if (entry) out[entry.price] = { amount: entry.amount, currency: entry.currency, interval: interval as "month" | "year" };
    }
  }
  return out;
}
