/**
 * Runs in Node before the workerd tests: starts the local Stripe stand-in
 * (@cargo-vpn/stripe-standin, scripts/stripe-standin) on the port vitest.config.ts gave the worker. It
 * has no webhook URL here: tests read the signed events from it and deliver
 * them to the worker themselves, in whatever order and number they test.
 */
import { LOCAL_PRICES, standinPrices } from "@cargo-vpn/stripe-standin/prices";
import { startStripeStandin } from "@cargo-vpn/stripe-standin";

/** Prices the stand-in's "Stripe account" has but the worker's STRIPE_PRICES does not list: retired, or never sold here. */
export const UNLISTED_PRICES = {
  price_local_retired_team_month: { amount: 799, currency: "eur", interval: "month" },
  price_local_never_sold: { amount: 1, currency: "eur", interval: "month" },
} as const;

export default async function setup() {
  const config = JSON.parse(process.env.CARGO_TEST_STRIPE ?? "{}") as { port: number; secretKey: string; webhookSecret: string };
  const standin = await startStripeStandin({ ...config, prices: { ...standinPrices(LOCAL_PRICES), ...UNLISTED_PRICES } });
  return () => standin.stop();
}
