/**
 * Every number and default the extension relies on, in one place, so that a
 * lifetime or a backoff can be read and changed without hunting through logic.
 */

/** Build-time default; `WXT_API_URL=... npm run extension -- build` bakes another one in; a development build's options page overrides both. */
export const DEFAULT_API_URL: string = (import.meta.env?.WXT_API_URL as string | undefined) || "http://127.0.0.1:8787";

/**
 * A build for the Chrome Web Store or addons.mozilla.org (`WXT_STORE_BUILD=true`, set by the zip script):
 * it talks to the API it was built for and nothing else, so the options page has no API URL field.
 */
export const STORE_BUILD: boolean = (import.meta.env?.WXT_STORE_BUILD as string | undefined) === "true";

/** Renew proxy credentials once this fraction of their lifetime has passed... */
export const RENEW_AT_FRACTION = 0.8;
/** ...plus up to this fraction again of random jitter, so devices do not renew in lockstep. */
export const RENEW_JITTER_FRACTION = 0.1;
/** Never schedule a renewal sooner than this (Chrome's alarms floor is 30 s; shorter only wastes wake-ups). */
export const MIN_RENEW_DELAY_MS = 30_000;
/** Retry delays after a failed renewal or reconnection attempt, capped at the last one. */
export const BACKOFF_MS = [2_000, 5_000, 15_000, 30_000, 60_000] as const;

/** Refresh the access token this long before it expires rather than waiting for a 401. */
export const ACCESS_TOKEN_SKEW_MS = 30_000;

/**
 * Where traffic is sent while it must be held (browser start, tunnel lost): a
 * loopback port nothing listens on, so requests fail fast instead of going direct.
 */
export const HOLD_PROXY = { scheme: "http", host: "127.0.0.1", port: 1 } as const;

/** Loopback and private ranges: bypassed by default, editable in the options page. */
export const DEFAULT_BYPASS_LIST: readonly string[] = [
  "localhost",
  "127.0.0.0/8",
  "[::1]",
  "<local>",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "169.254.0.0/16",
  "fc00::/7",
  "fe80::/10",
];

/** The popup's traffic chart: this many days, ending today. */
export const USAGE_CHART_DAYS = 30;
/** Sessions per page when summing the chart's days (the API's maximum page size). */
export const USAGE_CHART_PAGE_SIZE = 100;

/** How many usage sessions the popup asks for at a time. */
export const USAGE_PAGE_SIZE = 20;
/** How often an open popup refreshes the live traffic of an open session (the state itself is pushed). */
export const POPUP_POLL_MS = 2_000;

/** Alarm names: alarms survive the MV3 service worker being stopped. */
export const ALARM_RENEW = "cargo-renew";
export const ALARM_RETRY = "cargo-retry";
/** Renewing (or retrying) the sessions of per-site locations (lib/sites/site-tunnels.ts). */
export const ALARM_SITE_RENEW = "cargo-site-renew";
