/**
 * The Stripe API client for the worker: the official `stripe` library over
 * the Workers fetch API. STRIPE_API_HOST/PORT/PROTOCOL point it at a local
 * stand-in in development and tests; production leaves them unset and it
 * talks to api.stripe.com. Nothing else in the worker knows which it is.
 *
 *   const stripe = stripeClient(ctx); // throws `unavailable` when billing is not configured
 */
import Stripe from "stripe";
import {
  BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS,
  STRIPE_MAX_NETWORK_RETRIES,
  STRIPE_TIMEOUT_MS,
  STRIPE_UNAVAILABLE_RETRY_AFTER_SECONDS,
} from "../constants";
import type { AppContext } from "../context";
import type { Settings } from "../settings";
import { Problem } from "../problem";

type StripeSettings = Settings["stripe"];

let cache: { stripe: StripeSettings; client: Stripe } | undefined;

/** One client per isolate and configuration. */
export function stripeClient(ctx: AppContext): Stripe {
  const { stripe } = ctx.settings;
  if (!stripe.secretKey) {
    throw new Problem(
      "unavailable",
      "Purchases are not available right now. Try again later.",
      {},
      { "retry-after": String(BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS) },
    );
  }
  // Settings are cached per configuration (settings.ts), so the same object means the same client.
  if (cache?.stripe !== stripe) cache = { stripe, client: newClient(stripe, stripe.secretKey) };
  return cache.client;
}

function newClient(stripe: StripeSettings, secretKey: string): Stripe {
  return new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    timeout: STRIPE_TIMEOUT_MS,
    maxNetworkRetries: STRIPE_MAX_NETWORK_RETRIES,
    ...(stripe.apiHost ? { host: stripe.apiHost } : {}),
    ...(stripe.apiPort ? { port: stripe.apiPort } : {}),
    ...(stripe.apiHost ? { protocol: stripe.apiProtocol } : {}),
  });
}

/** Webhook signatures are checked with WebCrypto (workerd has no Node crypto for this). */
export const webhookCrypto = Stripe.createSubtleCryptoProvider();

/** Stripe answered that the object does not exist (any more): nothing left to do there. */
export function isGone(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeError && (error.statusCode === 404 || error.code === "resource_missing");
}

/**
 * Runs a call to Stripe for a person waiting on the answer: when Stripe
 * cannot be reached or fails on its side, the API answers 503 `unavailable`
 * with Retry-After instead of a bare 500.
 */
export async function atStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeError &&
      (error.statusCode === undefined || error.statusCode >= 500 || error.statusCode === 429)
    ) {
      throw new Problem(
        "unavailable",
        "The payment provider cannot be reached right now. Try again in a minute.",
        {},
        { "retry-after": String(STRIPE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
      );
    }
    throw error;
  }
}
