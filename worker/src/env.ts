/**
 * The one typed environment of the worker: bindings from wrangler.toml and
 * secrets (`.dev.vars` locally, `wrangler secret put` in production).
 */
import type { DeviceSlots } from "./devices/device-slots";
import type { RateLimiter } from "./throttle/rate-limiter";
import type { UsageIntake } from "./usage/usage-intake";
import type { BillingMessage, SealedEmail } from "./queue-messages";

export interface Env {
  DB: D1Database;
  DEVICE_SLOTS: DurableObjectNamespace<DeviceSlots>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** One per gateway: its usage batches until they are folded into D1 (usage/usage-intake.ts). */
  USAGE_INTAKE: DurableObjectNamespace<UsageIntake>;
  /** base64url of 32 random bytes: the key-encryption key that wraps each account's data key. */
  DATA_KEK: string;
  /** base64url of 32 random bytes: keys blind indexes, authKey verifiers, fake salts and client hashes. */
  INDEX_KEY: string;
  /** ES256 private JWK (JSON, with `kid`) that signs access tokens and proxy credentials. */
  JWT_PRIVATE_KEY: string;
  /** Optional ES256 private JWK: published in the JWKS ahead of signing, so gateways know it before it is promoted. */
  JWT_NEXT_PRIVATE_KEY?: string;
  /** Optional ES256 public JWK of the key signing before the last promotion: published and verifying until its tokens expire. */
  JWT_PREVIOUS_PUBLIC_KEY?: string;
  /** Version of DATA_KEK stored beside every data key it wraps (default 1). */
  DATA_KEK_VERSION?: string;
  /** Optional: the key-encryption key one version below DATA_KEK, unwrapping accounts not re-wrapped yet. */
  DATA_KEK_PREVIOUS?: string;
  /** Plain vars from wrangler.toml, all optional with defaults in constants.ts. */
  APP_VERSION?: string;
  /** Minutes without traffic after which the cron trigger ends a tunnel session. */
  SESSION_IDLE_MINUTES?: string;
  /** Lifetime of proxy credentials in seconds (at most 900); short values let tests watch renewal happen. */
  PROXY_CREDENTIAL_TTL_SECONDS?: string;
  /** Days an ended session's usage record is kept before the cron trigger deletes it. */
  USAGE_RETENTION_DAYS?: string;
  /** Days devices above a lowered plan's limit stay signed in (default 7). */
  DOWNGRADE_GRACE_DAYS?: string;
  /** Seconds between folds of a gateway's usage from its intake into D1 (default in constants.ts). */
  USAGE_FOLD_SECONDS?: string;
  /** "1": log usage-path counters (D1 and intake rows written, calls) for the scale bench; unset in production. */
  USAGE_METER_LOG?: string;
  /** "1": answer requests that ask with their D1, Durable Object and key-import counts (the API bench); unset in production. */
  DEV_REQUEST_COUNTS?: string;
  /** Billing (Stripe): the API secret key and the webhook endpoint's signing secret (Worker secrets). */
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  /** JSON: plan → interval → { price, amount, currency } (Stripe price ids with their display amounts). */
  STRIPE_PRICES?: string;
  /** Only for a local Stripe stand-in; production leaves them unset and talks to api.stripe.com. */
  STRIPE_API_HOST?: string;
  STRIPE_API_PORT?: string;
  STRIPE_API_PROTOCOL?: string;
  /** Where Stripe's hosted pages send the person back to. */
  BILLING_RETURN_URL?: string;
  /** Stripe clean-ups (erased accounts) that could not be done at once, retried durably. */
  BILLING_QUEUE: Queue<BillingMessage>;
  /** Cloudflare Email Service: sends verification links, recovery links and notices. */
  EMAIL: SendEmail;
  /** Outgoing email, sealed; the queue consumer sends it and retries failures (worker/src/email/delivery.ts). */
  EMAIL_QUEUE: Queue<SealedEmail>;
  /** The sender address of every message, on a domain onboarded to Email Service. */
  EMAIL_FROM?: string;
  /** Where the /account pages are served; email links start with it (no trailing slash). */
  PUBLIC_BASE_URL?: string;
  /** The addresses the privacy policy names: for deletion and privacy requests, and for reporting abuse (issue 18). */
  PRIVACY_EMAIL?: string;
  ABUSE_EMAIL?: string;
  /** Seconds before the first retry of a failed send (default in constants.ts); tests shorten it. */
  EMAIL_RETRY_DELAY_SECONDS?: string;
}
