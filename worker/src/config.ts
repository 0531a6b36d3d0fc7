/**
 * Every number the worker lives by, in one place: lifetimes, limits, plans.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_BODY_BYTES = 64 * 1024;

/** Sign-in failures: per username from one client, per client overall, and per username overall. */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USER_AND_CLIENT = 5;
export const MAX_FAILURES_PER_CLIENT = 20;
export const MAX_FAILURES_PER_USER = 100;

/** Device lastSeenAt is rewritten at most this often, so token refreshes stay cheap. */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export const PLANS = {
  free: { id: "free", name: "Free", maxDevices: 1 },
  plus: { id: "plus", name: "Plus", maxDevices: 5 },
  team: { id: "team", name: "Team", maxDevices: 10 },
} as const;

export type PlanId = keyof typeof PLANS;

export function planFor(id: string) {
  return PLANS[id as PlanId] ?? PLANS.free;
}

/** Proxy credentials live this long by default (PROXY_CREDENTIAL_TTL_SECONDS overrides, 15 minutes at most); clients renew them while the session is open. */
export const PROXY_CREDENTIAL_TTL_SECONDS = 10 * 60;
export const MAX_PROXY_CREDENTIAL_TTL_SECONDS = 15 * 60;
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
/** Default retention of ended usage sessions (USAGE_RETENTION_DAYS overrides). */
export const DEFAULT_USAGE_RETENTION_DAYS = 90;

/** Email links (contract v1.1): how long each kind works, and how many random bytes a token has (256 bits). */
export const EMAIL_TOKEN_BYTES = 32;
export const VERIFY_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const RESET_LINK_TTL_MS = 60 * 60 * 1000;
export const DELETION_LINK_TTL_MS = 60 * 60 * 1000;
/** Resending the verification link: at most one a minute and five a day per account. */
export const RESEND_MAX_PER_MINUTE = 1;
export const RESEND_MAX_PER_DAY = 5;
/** Password-reset and deletion links asked for by address: per address and per client, in one window. */
export const LINK_REQUEST_WINDOW_MS = 60 * 60 * 1000;
export const LINK_REQUESTS_PER_ADDRESS = 5;
export const LINK_REQUESTS_PER_CLIENT = 20;
/** A failed send is retried by the queue after this many seconds, doubling each attempt up to the cap (EMAIL_RETRY_DELAY_SECONDS overrides the first). */
export const EMAIL_RETRY_DELAY_SECONDS = 30;
export const EMAIL_RETRY_DELAY_CAP_SECONDS = 60 * 60;
/** The queue that carries outgoing email (wrangler.toml [[queues]]). */
export const EMAIL_QUEUE_NAME = "cargo-vpn-email";
