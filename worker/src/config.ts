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

/** After `gateway rotate-secret`, the old secret keeps working this long, or until the gateway first uses the new one. */
export const GATEWAY_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** Accounts re-wrapped per statement by `keys kek rewrap`: bounded so each write stays small (D1 statements are at most 100 KB). */
export const KEK_REWRAP_BATCH = 100;
export const MAX_KEK_REWRAP_BATCH = 300;
