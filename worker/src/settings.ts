/**
 * The worker's plain configuration (wrangler.toml [vars] and the Stripe
 * secrets), parsed once with zod into typed settings with the defaults from
 * constants.ts. Nothing else reads these environment variables; code gets them
 * from its request's context (`ctx.settings`, see context.ts).
 *
 *   const { sessionIdleMinutes, emailFrom } = ctx.settings;
 *
 * Numeric overrides that are missing, empty or not positive fall back to the
 * default (a bad override must not take the API down). A malformed
 * STRIPE_PRICES is a deployment error and throws where settings are read.
 * Secrets that become CryptoKeys (DATA_KEK*, INDEX_KEY, JWT_*) are read only
 * by crypto/keys.ts.
 */
import { z } from "zod";
import {
  DEFAULT_BILLING_RETURN_URL,
  DEFAULT_ABUSE_EMAIL,
  DEFAULT_DOWNGRADE_GRACE_DAYS,
  DEFAULT_EMAIL_FROM,
  DEFAULT_PRIVACY_EMAIL,
  DEFAULT_PUBLIC_BASE_URL,
  DEFAULT_SESSION_IDLE_MINUTES,
  DEFAULT_USAGE_RETENTION_DAYS,
  DEFAULT_USAGE_FOLD_SECONDS,
  EMAIL_RETRY_DELAY_SECONDS,
  MAX_PROXY_CREDENTIAL_TTL_SECONDS,
  PROXY_CREDENTIAL_TTL_SECONDS,
} from "./constants";
import type { Env } from "./env";

export const INTERVALS = ["month", "year"] as const;
export type Interval = (typeof INTERVALS)[number];

const PriceEntry = z.object({ price: z.string().min(1), amount: z.int().min(0), currency: z.string().length(3) });
const PriceCatalogue = z.partialRecord(z.enum(["plus", "team"]), z.partialRecord(z.enum(INTERVALS), PriceEntry));
export type PriceCatalogue = z.infer<typeof PriceCatalogue>;

/** A positive number, or the default when the override is missing, empty or not a positive number. */
const positive = (fallback: number) => z.coerce.number().positive().catch(fallback);
/** An optional string where empty counts as absent. */
const optional = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/** "Name <address>" or a bare address, as Email Service takes it. */
function parseSender(configured: string): EmailAddress {
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(configured);
  if (match) return { name: match[1]!.replace(/^"|"$/g, "") || "Cargo VPN", email: match[2]! };
  return { name: "Cargo VPN", email: configured };
}

const SettingsSchema = z
  .object({
    APP_VERSION: z.string().default("dev"),
    SESSION_IDLE_MINUTES: positive(DEFAULT_SESSION_IDLE_MINUTES),
    USAGE_RETENTION_DAYS: positive(DEFAULT_USAGE_RETENTION_DAYS),
    DOWNGRADE_GRACE_DAYS: positive(DEFAULT_DOWNGRADE_GRACE_DAYS),
    USAGE_FOLD_SECONDS: positive(DEFAULT_USAGE_FOLD_SECONDS),
    PROXY_CREDENTIAL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .transform((seconds) => Math.min(seconds, MAX_PROXY_CREDENTIAL_TTL_SECONDS))
      .catch(PROXY_CREDENTIAL_TTL_SECONDS),
    EMAIL_RETRY_DELAY_SECONDS: positive(EMAIL_RETRY_DELAY_SECONDS),
    EMAIL_FROM: z.string().default(DEFAULT_EMAIL_FROM),
    PUBLIC_BASE_URL: z.string().optional(),
    BILLING_RETURN_URL: optional,
    STRIPE_SECRET_KEY: optional,
    STRIPE_WEBHOOK_SECRET: optional,
    STRIPE_PRICES: optional.transform((json) => (json ? PriceCatalogue.parse(JSON.parse(json)) : {})),
    STRIPE_API_HOST: optional,
    STRIPE_API_PORT: optional,
    STRIPE_API_PROTOCOL: optional,
    PRIVACY_EMAIL: optional,
    ABUSE_EMAIL: optional,
  })
  .transform((vars) => ({
    appVersion: vars.APP_VERSION,
    /** Minutes without traffic after which the cron trigger ends a tunnel session. */
    sessionIdleMinutes: vars.SESSION_IDLE_MINUTES,
    /** Days an ended session's usage record is kept. */
    usageRetentionDays: vars.USAGE_RETENTION_DAYS,
    /** Days devices above a lowered plan's limit stay signed in before the cron trigger signs the least recently used out. */
    downgradeGraceDays: vars.DOWNGRADE_GRACE_DAYS,
    /** Seconds between folds of a gateway's usage intake into D1 (usage/usage-intake.ts). */
    usageFoldSeconds: vars.USAGE_FOLD_SECONDS,
    /** Lifetime of proxy credentials, capped at the gateways' maximum. */
    proxyCredentialTtlSeconds: vars.PROXY_CREDENTIAL_TTL_SECONDS,
    /** Seconds before the first retry of a failed send. */
    emailRetryDelaySeconds: vars.EMAIL_RETRY_DELAY_SECONDS,
    emailFrom: parseSender(vars.EMAIL_FROM.trim()),
    /** As configured, for the OpenAPI document's server (absent: the request's origin). */
    publicBaseUrl: vars.PUBLIC_BASE_URL,
    /** Where email links start, without a trailing slash. */
    linkBaseUrl: (vars.PUBLIC_BASE_URL ?? DEFAULT_PUBLIC_BASE_URL).replace(/\/+$/, ""),
    billingReturnUrl: vars.BILLING_RETURN_URL ?? DEFAULT_BILLING_RETURN_URL,
    stripe: {
      secretKey: vars.STRIPE_SECRET_KEY,
      webhookSecret: vars.STRIPE_WEBHOOK_SECRET,
      prices: vars.STRIPE_PRICES,
      /** Only for a local Stripe stand-in; production leaves them unset and talks to api.stripe.com. */
      apiHost: vars.STRIPE_API_HOST,
      apiPort: vars.STRIPE_API_PORT,
      apiProtocol: vars.STRIPE_API_PROTOCOL === "http" ? ("http" as const) : ("https" as const),
    },
    /** The privacy policy's contacts (GET /v1/contacts), filled into it wherever it is shown. */
    contacts: {
      privacyEmail: vars.PRIVACY_EMAIL?.trim() || DEFAULT_PRIVACY_EMAIL,
      abuseEmail: vars.ABUSE_EMAIL?.trim() || DEFAULT_ABUSE_EMAIL,
    },
  }));

export type Settings = z.infer<typeof SettingsSchema>;

const SOURCES = Object.keys(SettingsSchema.in.shape) as (keyof Env)[];
let cache: { source: string; settings: Settings } | undefined;

/** The settings of an environment; parsed once per isolate and configuration. */
export function parseSettings(env: Env): Settings {
  const source = JSON.stringify(SOURCES.map((name) => env[name] ?? null));
  if (cache?.source !== source) cache = { source, settings: SettingsSchema.parse(env) };
  return cache.settings;
}
