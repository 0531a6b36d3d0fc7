/**
 * Runs in Node before the workerd tests: starts the local Stripe stand-in
 * (scripts/stripe-standin) on the port vitest.config.ts gave the worker. It
 * has no webhook URL here: tests read the signed events from it and deliver
 * them to the worker themselves, in whatever order and number they test.
 */
import { LOCAL_PRICES, standinPrices } from "../../scripts/stripe-standin/prices.ts";
import { startStripeStandin } from "../../scripts/stripe-standin/standin.ts";

export default async function setup() {
  const config = JSON.parse(process.env.CARGO_TEST_STRIPE ?? "{}") as { port: number; secretKey: string; webhookSecret: string };
  const standin = await startStripeStandin({ ...config, prices: standinPrices(LOCAL_PRICES) });
  return () => standin.stop();
}
