/**
 * Every number the worker lives by, in one place: lifetimes, limits, plans.
 */
import { MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS } from "@cargo-vpn/shared/proxy-credentials";

export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_BODY_BYTES = 64 * 1024;

/** Sign-in failures: per username from one client and per client overall (per username overall: USERNAME_BACKOFF below). */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USER_AND_CLIENT = 5;
export const MAX_FAILURES_PER_CLIENT = 20;

/** Device lastSeenAt is rewritten at most this often, so token refreshes stay cheap. */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export const PLANS = {
  free: { id: "free", name: "Free", maxDevices: 1 },
  plus: { id: "plus", name: "Plus", maxDevices: 5 },
  team: { id: "team", name: "Team", maxDevices: 10 },
} as const;

export type PlanId = keyof typeof PLANS;

/** Whether a string names a plan: an own key of PLANS only, so "constructor" or "__proto__" never passes. */
export function isPlanId(id: string): id is PlanId {
  return Object.hasOwn(PLANS, id);
}

export function planFor(id: string) {
  return isPlanId(id) ? PLANS[id] : PLANS.free;
}

/** Proxy credentials live this long by default (PROXY_CREDENTIAL_TTL_SECONDS overrides, 15 minutes at most); clients renew them while the session is open. */
export const PROXY_CREDENTIAL_TTL_SECONDS = 10 * 60;
export const MAX_PROXY_CREDENTIAL_TTL_SECONDS = MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS;
/** Heartbeats answer sessions ended this recently: after it, their credentials have expired anyway. */
export const REVOCATION_HORIZON_MS = 15 * 60 * 1000;
/** A gateway without a heartbeat for this long is shown offline. */
export const GATEWAY_OFFLINE_AFTER_MS = 60 * 1000;
/** Default idle period after which the cron trigger ends a session (SESSION_IDLE_MINUTES overrides). */
export const DEFAULT_SESSION_IDLE_MINUTES = 30;
/** Applied usage batch ids are kept this long, far beyond any gateway retry. */
export const USAGE_BATCH_RETENTION_MS = 24 * 60 * 60 * 1000;
export const MAX_USAGE_PAGE = 100;
/** Telemetry events are deleted after this long. */
export const TELEMETRY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * Default days a plan that went down leaves devices above its limit signed
 * in (DOWNGRADE_GRACE_DAYS overrides); then the cron trigger keeps the most
 * recently used ones within the limit and signs the rest out.
 */
export const DEFAULT_DOWNGRADE_GRACE_DAYS = 7;
/** Accounts whose grace ended handled per cron run; the rest wait for the next. */
export const DOWNGRADE_ENFORCEMENTS_PER_RUN = 50;
/** Default retention of ended usage sessions (USAGE_RETENTION_DAYS overrides). */
export const DEFAULT_USAGE_RETENTION_DAYS = 90;

/** Usage intakes (usage/usage-intake.ts): a gateway's usage is folded into D1 this often (USAGE_FOLD_SECONDS overrides; at most a third of the idle period). */
export const DEFAULT_USAGE_FOLD_SECONDS = 10 * 60;
/** Used refresh tokens are kept this long for reuse detection; after it, only each sign-in's latest used one stays. */
export const USED_REFRESH_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Per-day usage totals (usage_days, what sessions past USAGE_RETENTION_DAYS fold into) are kept this long. */
export const USAGE_DAY_RETENTION_DAYS = 400;

/**
 * Per-username back-off (replaces a flat lock): the first 10 failures within
 * 15 minutes wait for nothing, then each further failure makes the next
 * attempt wait 1 s, 2 s, 4 s, … up to 5 minutes after it. Devices that hold
 * one of the account's slots are not subject to it (they still are to the
 * per-username-and-client and per-client windows above).
 */
export const USERNAME_BACKOFF = {
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60 * 1000,
  forgetAfterMs: 15 * 60 * 1000,
} as const;

/** Per client address: prelogin and registration calls that passed validation. */
export const PRELOGIN_WINDOW_MS = 60 * 1000;
export const MAX_PRELOGINS_PER_CLIENT = 60;
export const REGISTRATION_WINDOW_MS = 60 * 60 * 1000;
export const MAX_REGISTRATIONS_PER_CLIENT = 20;
/** How long an isolate reuses its view of the iteration counts accounts chose (decoys for unknown usernames). */
export const KDF_ITERATIONS_SNAPSHOT_MS = 10 * 60 * 1000;

/** Per-account quotas. Telemetry counts per UTC day. */
export const MAX_TELEMETRY_EVENTS_PER_DAY = 500;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_SESSION_STARTS_PER_MINUTE = 10;
export const SESSION_STARTS_WINDOW_MS = 60 * 1000;
/** Telemetry `attemptAt` may lie this far in the future (client clock skew), and no further back than the retention. */
export const TELEMETRY_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Strict-Transport-Security on answers to https requests (two years, the preload list's minimum is one). */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 60 * 60;
/** Billing (Stripe). Webhook bodies may be this large (the API's 64 KiB limit does not apply to them). */
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
/** Stripe-Signature timestamps older than this are refused (Stripe's own default tolerance). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** Processed webhook event ids are kept this long: Stripe retries a delivery for up to 3 days. */
export const WEBHOOK_EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** Calls to Stripe give up after this long and retry this often (the library's own retries). */
export const STRIPE_TIMEOUT_MS = 10_000;
export const STRIPE_MAX_NETWORK_RETRIES = 1;
/** A Stripe clean-up that failed is retried by the billing queue after this delay, doubling up to the queue's 12-hour maximum. */
export const BILLING_RETRY_DELAY_SECONDS = 60;
export const BILLING_MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60;
/** Compare-and-swap attempts when webhook deliveries race for one account's subscription row. */
export const SUBSCRIPTION_UPDATE_ATTEMPTS = 8;
/**
 * One open Checkout per account: a Checkout Session expires this long after
 * it opens (Stripe's shortest), and until then a second checkout gets the
 * same session (same plan and interval) or 409 checkout_open.
 */
export const CHECKOUT_HOLD_MS = 30 * 60 * 1000;
/** Retry-After of the 503 answers: billing not configured on this deployment; Stripe not answering. */
export const BILLING_UNCONFIGURED_RETRY_AFTER_SECONDS = 3600;
export const STRIPE_UNAVAILABLE_RETRY_AFTER_SECONDS = 60;
/** Where Stripe's pages return to when BILLING_RETURN_URL is not set. */
export const DEFAULT_BILLING_RETURN_URL = "https://cargovpn.dev/account";
/** After `gateway rotate-secret`, the old secret keeps working this long, or until the gateway first uses the new one. */
export const GATEWAY_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** Accounts re-wrapped per statement by `keys kek rewrap`: bounded so each write stays small (D1 statements are at most 100 KB). */
export const KEK_REWRAP_BATCH = 100;
export const MAX_KEK_REWRAP_BATCH = 300;
/** Email links (contract v1.1): how long each kind works, and how many random bytes a token has (256 bits). */
export const EMAIL_TOKEN_BYTES = 32;
export const VERIFY_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const RESET_LINK_TTL_MS = 60 * 60 * 1000;
export const DELETION_LINK_TTL_MS = 60 * 60 * 1000;
/** How long the old address's link can undo an email change (and sign every device out). */
export const EMAIL_CHANGE_UNDO_MS = 3 * 24 * 60 * 60 * 1000;
/** Resending the verification link: at most one a minute and five a day per account. */
export const RESEND_MAX_PER_MINUTE = 1;
export const RESEND_MAX_PER_DAY = 5;
/** Password-reset and deletion links asked for by address: per address and per client, in one window. */
export const LINK_REQUEST_WINDOW_MS = 60 * 60 * 1000;
/**
 * Reset and deletion links: 5 an hour per address from one client, 20 an
 * hour per address from all clients together (the most mail strangers can
 * send one inbox), 20 an hour per client. A signed-in owner asking for their
 * own address counts only against OWNER_LINK_REQUESTS, which strangers never
 * touch.
 */
export const LINK_REQUESTS_PER_ADDRESS_AND_CLIENT = 5;
export const LINK_REQUESTS_PER_ADDRESS = 20;
export const LINK_REQUESTS_PER_CLIENT = 20;
export const OWNER_LINK_REQUESTS = 5;
/**
 * Address changes (PATCH /v1/me with email): per account a day, every change
 * the password proved, taken addresses included (each one that moves sends
 * two messages). Per client they share the registration ceiling, so an
 * `email_taken` answer comes no more often than registration gives one.
 */
export const EMAIL_CHANGES_PER_ACCOUNT = 5;
export const EMAIL_CHANGE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A failed send is retried by the queue after this many seconds, doubling each attempt up to the cap (EMAIL_RETRY_DELAY_SECONDS overrides the first). */
export const EMAIL_RETRY_DELAY_SECONDS = 30;
export const EMAIL_RETRY_DELAY_CAP_SECONDS = 60 * 60;
/** The queues the worker produces to and consumes (wrangler.toml [[queues]], same names): outgoing email, and Stripe clean-ups of erased accounts (billing/billing-queue.ts). */
export const EMAIL_QUEUE_NAME = "cargo-vpn-email";
export const BILLING_QUEUE_NAME = "cargo-vpn-billing";
/** The sender of every message when EMAIL_FROM is not set. */
export const DEFAULT_EMAIL_FROM = "Cargo VPN <no-reply@cargovpn.dev>";
/** Where email links point when PUBLIC_BASE_URL is not set: the local API. */
export const DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8787";
/** The privacy policy's contacts when PRIVACY_EMAIL / ABUSE_EMAIL are not set. */
export const DEFAULT_PRIVACY_EMAIL = "privacy@cargovpn.dev";
export const DEFAULT_ABUSE_EMAIL = "abuse@cargovpn.dev";

/** Two-factor sign-in (issue 18): RFC 6238 codes of 6 digits per 30 s, accepted one step either side of now. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW_STEPS = 1;
export const TOTP_ISSUER = "Cargo VPN";
/** A started enrolment must be confirmed with a first code within this long. */
export const TOTP_ENROLMENT_TTL_MS = 15 * 60 * 1000;
/** The second step of a sign-in (POST /v1/auth/second-factor) must come within this long of the first. */
export const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Wrong or reused codes per account (sign-in, confirm, disable, regenerate) in one window; then 429 even for a right one. */
export const MAX_CODE_FAILURES_PER_ACCOUNT = 10;
export const CODE_FAILURE_WINDOW_MS = 15 * 60 * 1000;

// --- passkeys (issue 18 item 3) ---
/** A passkey ticket (the link the popup opens to register one) and a WebAuthn challenge work this long. */
export const PASSKEY_TICKET_TTL_MS = 5 * 60 * 1000;
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** COSE algorithms accepted for a passkey: ES256 and RS256. */
export const PASSKEY_ALGORITHMS = [-7, -257];
export const MAX_PASSKEYS_PER_ACCOUNT = 10;
