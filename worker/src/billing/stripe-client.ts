/**
 * The Stripe API client for the worker: the official `stripe` library over
 * the Workers fetch API. STRIPE_API_HOST/PORT/PROTOCOL point it at a local
 * stand-in in development and tests; production leaves them unset and it
 * talks to api.stripe.com. Nothing else in the worker knows which it is.
 *
 *   const stripe = stripeClient(env); // throws `unavailable` when billing is not configured
 */
import Stripe from "stripe";
import {
  BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS,
  STRIPE_MAX_NETWORK_RETRIES,
  STRIPE_TIMEOUT_MS,
  STRIPE_UNAVAILABLE_RETRY_AFTER_SECONDS,
} from "../config";
import type { Env } from "../env";
import { Problem } from "../http/problem";

export function billingConfigured(env: Env): boolean {
  return Boolean(env.STRIPE_SECRET_KEY);
}

let cache: { source: string; client: Stripe } | undefined;

/** One client per isolate and configuration. */
export function stripeClient(env: Env): Stripe {
  if (!env.STRIPE_SECRET_KEY) {
    throw new Problem(
      "unavailable",
      "Purchases are not available right now. Try again later.",
      {},
      { "retry-after": String(BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS) },
    );
  }
  const source = [env.STRIPE_SECRET_KEY, env.STRIPE_API_HOST, env.STRIPE_API_PORT, env.STRIPE_API_PROTOCOL].join("\n");
  if (cache?.source !== source) cache = { source, client: newClient(env, env.STRIPE_SECRET_KEY) };
  return cache.client;
}

function newClient(env: Env, secretKey: string): Stripe {
  const protocol = env.STRIPE_API_PROTOCOL === "http" ? "http" : "https";
  return new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    timeout: STRIPE_TIMEOUT_MS,
    maxNetworkRetries: STRIPE_MAX_NETWORK_RETRIES,
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST } : {}),
    ...(env.STRIPE_API_PORT ? { port: env.STRIPE_API_PORT } : {}),
    ...(env.STRIPE_API_HOST ? { protocol } : {}),
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
