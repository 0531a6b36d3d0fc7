/**
 * The API contract (docs/api.md) as zod schemas: the worker validates
 * with them and generates /openapi.json from them; clients use the inferred
 * types. Request objects are strict: an unknown field is a validation error,
 * not something silently dropped.
 */
import * as z from "zod";
import { decodeExact } from "./base64url";
import { MAX_ITERATIONS, MIN_ITERATIONS, SALT_BYTES } from "./kdf";
import { LANGUAGES } from "./languages";
import { cleanDeviceLabel, normalizeEmail, normalizeUsername, USERNAME_PATTERN } from "./normalize";
import { PROBLEM_STATUS, type ProblemCode } from "./problems";
import { USERNAME_SEALED_BYTES } from "./username-seal";

const b64urlBytes = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .refine((s) => decodeExact(s, bytes) !== null, `must be ${bytes} bytes as base64url without padding`)
    .meta({ description: `${what}: ${bytes} bytes, base64url without padding` });

export const Username = z
  .string()
  .max(128)
  .transform(normalizeUsername)
  .pipe(z.string().regex(USERNAME_PATTERN, "must be 3–32 characters of a-z, 0-9, '.', '_' or '-' (after lower-casing)"))
  .meta({ description: "NFKC-normalised and lower-cased; 3–32 characters of [a-z0-9._-]", example: "alice" });

export const Email = z
  .string()
  .max(254)
  .transform(normalizeEmail)
  .pipe(z.email("must be a valid email address").max(254))
  .meta({ description: "trimmed and lower-cased", example: "alice@example.com" });

export const AuthKey = b64urlBytes(32, "authKey");
/**
 * 32 random bytes a device makes once (crypto.getRandomValues) and keeps with its device id (issue 20 items 4 and 7):
 * the slot is bound to it, so knowing a device id is worth nothing. The server keeps only its SHA-256.
 */
export const DeviceSecret = b64urlBytes(32, "deviceSecret");

export const AccountLanguage = z.enum(LANGUAGES, { error: () => `must be one of ${LANGUAGES.join(", ")}` }).meta({
  description: "The account's language (BCP 47): its mails and account pages use it. shared/src/languages.ts lists them.",
  example: "de",
});
/** The username sealed by the client under its usernameKey (shared/src/username-seal.ts): the server cannot open it. */
export const UsernameSealed = b64urlBytes(
  USERNAME_SEALED_BYTES,
  "the username sealed by the client (AES-256-GCM, shared/src/username-seal.ts)",
);
export const Salt = b64urlBytes(SALT_BYTES, "salt");
export const Iterations = z.int().min(MIN_ITERATIONS).max(MAX_ITERATIONS);

export const DeviceKind = z.enum(["chrome", "firefox", "edge", "api"]);
export const Id = z.string().min(1).max(64);
export const DeviceId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be a client-generated id such as a UUID")
  .meta({ description: "client-generated, for example a UUID", example: "0f8fad5b-d9cb-469f-a165-70867728950e" });
// `format` is documentation for clients (the API writes these with toISOString); it does not change what validates.
export const Timestamp = z.string().meta({ description: "RFC 3339 UTC", format: "date-time", example: "2026-01-01T00:00:00.000Z" });

// ---------- objects the API answers with ----------

export const Plan = z.object({ id: z.string(), name: z.string(), maxDevices: z.int() }).meta({ id: "Plan" });

export const Subscription = z
  .object({
    status: z.string().meta({ description: "Stripe's subscription status: active, trialing, past_due, canceled, …" }),
    renewsAt: Timestamp.nullable(),
    cancelAt: Timestamp.nullable(),
  })
  .meta({ id: "Subscription" });

export const Account = z
  .object({
    id: z.string(),
    username: z.string().nullable().meta({
      description:
        "Only for an account not yet migrated (issue 18 item 5): the server's copy of the name. null once the client's sealed copy replaced it.",
    }),
    usernameSealed: z.string().nullable().meta({
      description: "The username sealed by the owner's client (shared/src/username-seal.ts); only a client holding the password opens it.",
    }),
    email: z.string(),
    emailVerified: z.boolean(),
    createdAt: Timestamp,
    plan: Plan,
    subscription: Subscription.nullable(),
    notifyNewDevice: z.boolean(),
    telemetryOptIn: z.boolean(),
    language: AccountLanguage,
  })
  .meta({ id: "Account" });

export const Device = z
  .object({
    id: z.string(),
    kind: DeviceKind,
    label: z.string(),
    registeredAt: Timestamp,
    lastSeenAt: Timestamp,
    lastActiveOn: z
      .string()
      .meta({ description: "the UTC day (YYYY-MM-DD) the device last used the API: a day, never a time", example: "2026-01-01" }),
    current: z.boolean(),
  })
  .meta({ id: "Device" });

/**
 * A device holding a slot, as a refused sign-in (device_limit) shows it: no device id, only a handle that
 * POST /v1/auth/login accepts as replaceDevice. The handle is a keyed hash of the account and device id, so
 * it names a slot to free and is useless for signing in as that device (issue 20 item 4).
 */
export const SlotHolder = z
  .object({
    handle: z.string().meta({ description: "opaque: send it as replaceDevice to free this slot while signing in" }),
    kind: DeviceKind,
    label: z.string(),
    registeredAt: Timestamp,
    lastActiveOn: z.string().meta({ description: "the UTC day (YYYY-MM-DD) the device last used the API", example: "2026-01-01" }),
  })
  .meta({ id: "SlotHolder" });

export const Location = z
  .object({
    id: z.string(),
    name: z.string(),
    country: z.string().length(2),
    load: z.number().min(0).max(1),
    online: z.boolean(),
    pingUrl: z.string().meta({
      description: "the gateway's latency probe (GET answers 204, no body, no credential): the extension times it to rank locations",
      example: "https://fra1.gw.example:443/ping",
    }),
  })
  .meta({ id: "Location" });

export const UsageSession = z
  .object({
    id: z.string(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    bytesUp: z.int(),
    bytesDown: z.int(),
  })
  .meta({ id: "UsageSession" });

export const ProxyCredentials = z
  .object({ username: z.string(), password: z.string(), expiresAt: Timestamp })
  .meta({ id: "ProxyCredentials" });

export const TelemetryEvent = z
  .strictObject({
    attemptAt: z.iso.datetime({ offset: true }),
    connectionType: z.enum(["https-proxy", "http-proxy"]),
    encryptionType: z.enum(["tls1.3", "tls1.2", "none"]),
    deviceType: DeviceKind,
    outcome: z.enum(["connected", "failed"]),
  })
  .meta({ id: "TelemetryEvent" });

/** An error answer (RFC 9457). Only the OpenAPI document uses this schema; the worker builds problems in worker/src/problem.ts. */
export const Problem = z
  .object({
    type: z.string().meta({ description: "https://cargovpn.dev/problems/<code>" }),
    title: z.string(),
    status: z.int(),
    code: z.enum(Object.keys(PROBLEM_STATUS) as [ProblemCode, ...ProblemCode[]]),
    detail: z.string().meta({ description: "a sentence for people; never parse it" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "validation_failed: each field that is not valid" }),
    devices: z.array(SlotHolder).optional().meta({
      description: "device_limit: the devices holding the account's slots, each by an opaque handle (never its device id)",
    }),
    maxDevices: z.int().optional().meta({ description: "device_limit: how many slots the plan has" }),
    retryAfter: z.int().optional().meta({ description: "rate_limited: seconds to wait, as in the Retry-After header" }),
    maxOpenSessions: z.int().optional().meta({ description: "too_many_sessions: how many open sessions one device may hold" }),
    challenge: z.string().optional().meta({ description: "second_factor_required: send it to POST /v1/auth/second-factor with a code" }),
    challengeExpiresAt: Timestamp.optional().meta({ description: "second_factor_required: when the challenge stops working" }),
    methods: z
      .array(z.enum(["totp", "recovery_code", "passkey"]))
      .optional()
      .meta({ description: "second_factor_required: the kinds of code that complete it" }),
    passkeyUrl: z
      .string()
      .optional()
      .meta({ description: "second_factor_required with passkey: the account page to open in a tab to use it" }),
  })
  .meta({ id: "Problem" });

// ---------- requests and responses, route by route ----------

export const PreloginRequest = z.strictObject({ username: Username });
export const PreloginResponse = z.object({
  kdf: z.literal("PBKDF2-SHA256"),
  iterations: z.int(),
  salt: z.string(),
});

export const RegisterRequest = z.strictObject({
  username: Username,
  email: Email,
  authKey: AuthKey,
  kdf: z.strictObject({ salt: Salt, iterations: Iterations }),
  usernameSealed: UsernameSealed.optional().meta({
    description: "The username sealed under the usernameKey derived from this password; with it the server keeps no copy it can read.",
  }),
  language: AccountLanguage.optional().meta({
    description: "The extension's UI language, for the account's mails (the verification link is the first); absent means en.",
  }),
  // Checked by the handler, not here, so that a missing or false confirmation
  // answers 422 age_requirement rather than a generic validation error.
  ageConfirmed: z.unknown().optional().meta({ type: "boolean", description: "must be true: the user is 13 or older" }),
});
export const AccountResponse = z.object({ account: Account });

export const DeviceInput = z.strictObject({
  id: DeviceId,
  kind: DeviceKind,
  label: z
    .string()
    .max(256)
    .transform(cleanDeviceLabel)
    .pipe(z.string().min(1, "must contain a visible character").max(64))
    .meta({ description: "1–64 characters once control and invisible formatting characters are removed", example: "Chrome on Linux" }),
  secret: DeviceSecret.optional().meta({
    description:
      "This device's secret (32 random bytes it keeps with its id). The device keeps its slot only when it sends the secret the slot is bound to; without it, or with another, the sign-in is a new device (a new slot, under a new id when the id is taken, or device_limit; and the new-device notice). It also lets the attempt past the username's sign-in back-off.",
  }),
});

export const SignInRequest = z.strictObject({
  username: Username,
  authKey: AuthKey,
  device: DeviceInput,
  usernameSealed: UsernameSealed.optional().meta({
    description:
      "The username sealed under this password's usernameKey: stored when the account has none yet (the migration off the server's copy, which is then deleted).",
  }),
  replaceDevice: z.string().min(1).max(128).optional().meta({
    description:
      "When every slot is taken: the handle of a device from the device_limit answer; its slot is freed (that device signed out) and taken in the same step.",
  }),
});
export const TokenResponse = z.object({
  tokenType: z.literal("Bearer"),
  accessToken: z.string(),
  expiresIn: z.int(),
  refreshToken: z.string(),
  account: Account,
  device: Device.meta({
    description:
      "The device as signed in. Its id may differ from the one sent (the id was held by another device's slot): keep this one, with the secret.",
  }),
});
export const RefreshRequest = z.strictObject({
  refreshToken: z.string().min(1).max(200),
  deviceSecret: DeviceSecret.optional().meta({
    description:
      "Binds the device's slot to this secret when the slot has none yet (slots from before device secrets); ignored once it is bound.",
  }),
});

export const UpdateMeRequest = z.strictObject({ telemetryOptIn: z.boolean() });
export const DeleteMeRequest = z.strictObject({ authKey: AuthKey });

export const DevicesResponse = z.object({ devices: z.array(Device), maxDevices: z.int() });
export const DeviceIdParam = z.object({ id: z.string().max(64) });

export const LocationsResponse = z.object({ locations: z.array(Location) });
export const StartSessionRequest = z.strictObject({
  locationId: Id,
  alongside: z.boolean().optional().meta({
    description:
      "true: keep this device's sessions on other gateways open (per-site locations); only its open session on the same gateway is replaced. Absent or false: every open session of this device ends.",
  }),
});
export const StartSessionResponse = z.object({
  session: z.object({ id: z.string(), startedAt: Timestamp }),
  proxy: z.object({
    scheme: z.enum(["https", "http"]),
    host: z.string(),
    port: z.int(),
    http1Port: z.int().optional().meta({
      description:
        "A second TLS port on the same host that offers only HTTP/1.1. Firefox connects here: its tunnels over an HTTP/2 proxy stall on large downloads, so it must not negotiate h2, which `port` offers. Absent: every client uses `port`.",
    }),
  }),
  credentials: ProxyCredentials,
});
export const SessionIdParam = z.object({ id: z.string().max(64) });
export const RenewResponse = z.object({ credentials: ProxyCredentials });
export const EndSessionResponse = z.object({ session: UsageSession });

export const UsageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const UsageResponse = z.object({
  sessions: z.array(UsageSession),
  totals: z.object({ sessions: z.int(), bytesUp: z.int(), bytesDown: z.int() }),
  nextCursor: z.string().nullable(),
});

export const TelemetryRequest = z.strictObject({ events: z.array(TelemetryEvent).min(1).max(100) });
export const TelemetryResponse = z.object({ accepted: z.int() });

/** Whether two-factor sign-in is on (issue 18): GET /v1/me/two-factor, and part of the export. Never the secret. */
const TwoFactorState = z.object({
  enabled: z.boolean(),
  enabledAt: Timestamp.nullable(),
  recoveryCodesLeft: z.int(),
});

/** The usage of one account on one UTC day, kept after that day's sessions are deleted (USAGE_RETENTION_DAYS). */
export const UsageDay = z
  .object({
    day: z.string().meta({ description: "the UTC day (YYYY-MM-DD) the sessions started on", example: "2026-01-01" }),
    sessions: z.int(),
    bytesUp: z.int(),
    bytesDown: z.int(),
  })
  .meta({ id: "UsageDay" });

export const ExportResponse = z.object({
  account: Account,
  devices: z.array(Device),
  sessions: z.array(UsageSession),
  usageDays: z.array(UsageDay).meta({
    description: "Per-day totals of the sessions past their retention (which are no longer in `sessions`), newest day first.",
  }),
  telemetry: z.array(TelemetryEvent.extend({ receivedAt: Timestamp })),
  planChanges: z
    .array(z.object({ planId: z.string(), source: z.string(), reason: z.string().nullable(), changedAt: Timestamp }))
    .meta({ description: "Plan changes made by support, with the reason they recorded." }),
  twoFactor: TwoFactorState.meta({
    description: "Whether two-factor sign-in is on; the secret and the recovery codes are never exported.",
  }),
});

/** Limits that keep a gateway's request bodies under the API's 64 KiB. */
export const MAX_USAGE_REPORTS_PER_BATCH = 500;
export const MAX_HEARTBEAT_SESSIONS = 1500;

/**
 * On a gateway's own listener (origin form, like `/ping`): the holder of a tunnel credential ends its
 * session there at once (`Authorization: Basic`, the Proxy-Authorization value). docs/api.md, "Gateways".
 */
export const GATEWAY_SESSION_END_PATH = "/session/end";

export const HeartbeatRequest = z.strictObject({
  activeSessions: z.int().min(0).max(1_000_000),
  load: z.number().min(0).max(1),
  sessions: z.array(Id).max(MAX_HEARTBEAT_SESSIONS).optional().meta({
    description:
      "Ids of the sessions this gateway carries now; any that is no longer open (ended, or erased with its account) comes back in revokedSessions.",
  }),
});
export const HeartbeatResponse = z.object({ revokedSessions: z.array(z.string()).max(MAX_HEARTBEAT_SESSIONS) });
export const UsageBatchRequest = z.strictObject({
  batchId: z.uuid(),
  reports: z
    .array(
      z.strictObject({
        sessionId: Id,
        bytesUp: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
        bytesDown: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .max(MAX_USAGE_REPORTS_PER_BATCH)
    .meta({ description: "At most 500 reports, which keeps a batch under the 64 KiB body limit; send more as several batches." }),
});
export const UsageBatchResponse = z.object({ accepted: z.int() });

export const HealthResponse = z.object({ ok: z.literal(true), version: z.string() });

// ---------- email: verification, recovery (contract v1.1) ----------

/** An email link's token: opaque; anything unknown, used or expired answers 400 invalid_token. */
export const LinkToken = z.string().max(256).meta({ description: "the token from an email link (the part after #token=)" });
export const NewKdf = z.strictObject({ salt: Salt, iterations: Iterations });
export const VerifyEmailRequest = z.strictObject({ token: LinkToken });
export const VerifyEmailResponse = z.object({ emailVerified: z.literal(true) });
export const ChangePasswordRequest = z.strictObject({
  authKey: AuthKey,
  newAuthKey: AuthKey,
  newKdf: NewKdf,
  newUsernameSealed: UsernameSealed.optional().meta({
    description:
      "The username sealed under the new password's usernameKey. Without it the old sealed copy (which the new password cannot open) is dropped; the next sign-in stores one.",
  }),
});
export const EmailLinkRequest = z.strictObject({ email: Email });
export const PasswordResetConfirmRequest = z.strictObject({
  token: LinkToken,
  username: Username.meta({
    description: "The account's username, typed again: 400 username_mismatch (nothing changes) unless it is the account's.",
  }),
  newAuthKey: AuthKey,
  newKdf: NewKdf,
  newUsernameSealed: UsernameSealed.meta({ description: "The username sealed under the new password's usernameKey." }),
});
export const DeletionConfirmRequest = z.strictObject({ token: LinkToken });
/**
 * PATCH /v1/me as of contract v1.1 (what the worker validates with): any of the
 * settings, and a new email address together with the authKey proving the
 * password. UpdateMeRequest above is the v1 subset older clients send.
 */
export const PatchMeRequest = z
  .strictObject({
    telemetryOptIn: z.boolean().optional(),
    notifyNewDevice: z.boolean().optional().meta({ description: "Send a notice when a new device signs in (default true)." }),
    language: AccountLanguage.optional().meta({ description: "The language of the account's mails and account pages." }),
    email: Email.optional().meta({
      description: "A new address: it starts unverified and gets a verification link; the old one gets a notice.",
    }),
    authKey: AuthKey.optional().meta({
      description:
        "Proves the password: required with email and with notifyNewDevice false (an access token alone cannot silence the notices), and only with those.",
    }),
  })
  .refine((b) => b.telemetryOptIn !== undefined || b.notifyNewDevice !== undefined || b.language !== undefined || b.email !== undefined, {
    message: "send at least one of telemetryOptIn, notifyNewDevice, language, email",
  })
  .refine((b) => b.authKey !== undefined || b.email === undefined, { message: "a new email needs the authKey", path: ["authKey"] })
  .refine((b) => b.authKey !== undefined || b.notifyNewDevice !== false, {
    message: "turning new-device notices off needs the authKey (the password proved again)",
    path: ["authKey"],
  })
  .refine((b) => b.authKey === undefined || b.email !== undefined || b.notifyNewDevice === false, {
    message: "send the authKey only with email or with notifyNewDevice false",
    path: ["authKey"],
  });

export type Account = z.infer<typeof Account>;
export type Subscription = z.infer<typeof Subscription>;
export type Device = z.infer<typeof Device>;
export type SlotHolder = z.infer<typeof SlotHolder>;
export type Location = z.infer<typeof Location>;
export type UsageSession = z.infer<typeof UsageSession>;
export type UsageDay = z.infer<typeof UsageDay>;
export type ProxyCredentials = z.infer<typeof ProxyCredentials>;
export type TelemetryEvent = z.infer<typeof TelemetryEvent>;
export type DeviceKind = z.infer<typeof DeviceKind>;
export type TokenResponse = z.infer<typeof TokenResponse>;
export type StartSessionResponse = z.infer<typeof StartSessionResponse>;
export type UsageResponse = z.infer<typeof UsageResponse>;
export type DevicesResponse = z.infer<typeof DevicesResponse>;

// ---------- plans and purchase (contract v1.1) ----------

export const BillingInterval = z.enum(["month", "year"]);
export const PlanPrice = z
  .object({
    id: z.string().meta({ description: "the Stripe price id" }),
    interval: BillingInterval,
    amount: z.int().meta({ description: "in the currency's minor units (cents)" }),
    currency: z.string().meta({ description: "ISO 4217, lower case", example: "eur" }),
  })
  .meta({ id: "PlanPrice" });
export const PlanOffer = z
  .object({ id: z.enum(["free", "plus", "team"]), name: z.string(), maxDevices: z.int(), prices: z.array(PlanPrice) })
  .meta({ id: "PlanOffer" });
export const PlansResponse = z.object({ plans: z.array(PlanOffer) });
export const CheckoutRequest = z.strictObject({ plan: z.enum(["plus", "team"]), interval: BillingInterval });
export const BillingUrlResponse = z.object({ url: z.string().meta({ description: "a Stripe-hosted page to open in the browser" }) });
export const WebhookResponse = z.object({
  received: z.literal(true),
  outcome: z.enum(["applied", "duplicate", "ignored", "stale"]).meta({
    description: "applied; a redelivery of an event already applied; about nobody here or of an unused type; older than what is stored",
  }),
});

export type PlanOffer = z.infer<typeof PlanOffer>;
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

// ---------- the contract as types, for every client (extension, gateway, scripts) ----------
// Requests are typed as what a client may send (z.input: before normalising
// transforms), answers as what parsing them yields (z.output). Nothing else in
// the repository declares these shapes again.

export type PreloginRequest = z.input<typeof PreloginRequest>;
export type PreloginResponse = z.output<typeof PreloginResponse>;
export type RegisterRequest = z.input<typeof RegisterRequest>;
export type AccountResponse = z.output<typeof AccountResponse>;
export type ExportResponse = z.output<typeof ExportResponse>;
export type DeviceInput = z.input<typeof DeviceInput>;
export type SignInRequest = z.input<typeof SignInRequest>;
export type RefreshRequest = z.input<typeof RefreshRequest>;
export type DeleteMeRequest = z.input<typeof DeleteMeRequest>;
export type PatchMeRequest = z.input<typeof PatchMeRequest>;
export type ChangePasswordRequest = z.input<typeof ChangePasswordRequest>;
export type EmailLinkRequest = z.input<typeof EmailLinkRequest>;
export type StartSessionRequest = z.input<typeof StartSessionRequest>;
export type RenewResponse = z.output<typeof RenewResponse>;
export type EndSessionResponse = z.output<typeof EndSessionResponse>;
export type LocationsResponse = z.output<typeof LocationsResponse>;
export type TelemetryRequest = z.input<typeof TelemetryRequest>;
export type TelemetryResponse = z.output<typeof TelemetryResponse>;
export type PlanPrice = z.output<typeof PlanPrice>;
export type PlansResponse = z.output<typeof PlansResponse>;
export type BillingUrlResponse = z.output<typeof BillingUrlResponse>;
export type HeartbeatRequest = z.input<typeof HeartbeatRequest>;
export type HeartbeatResponse = z.output<typeof HeartbeatResponse>;
export type UsageBatchRequest = z.input<typeof UsageBatchRequest>;
export type UsageBatchResponse = z.output<typeof UsageBatchResponse>;
/** One session's byte counts in a gateway's usage batch. */
export type UsageReport = UsageBatchRequest["reports"][number];

/**
 * The extra fields of a 409 device_limit problem: who holds the slots, by handle, so the
 * client can offer to free one (POST /v1/auth/login with replaceDevice).
 */
export const DeviceLimitDetails = z.object({ devices: z.array(SlotHolder), maxDevices: z.int() });
export type DeviceLimitDetails = z.output<typeof DeviceLimitDetails>;

function maxLengthOf(schema: z.ZodString): number {
  if (schema.maxLength === null) throw new Error("schema has no maximum length");
  return schema.maxLength;
}
/** The longest id the API takes (a location id, a tunnel session id, which is also the proxy username). */
export const MAX_ID_CHARS = maxLengthOf(Id);

// ---------- loose answers, for the route table (routes.ts) ----------
// These answers are not the contract's own shapes: the JWKS is jose's format
// (each key a JWK, read by jose), the document is OpenAPI's, and a webhook
// body is whatever Stripe sends. Only their outline is checked.

/** GET /.well-known/jwks.json: a JSON Web Key Set; each key is a public JWK. */
export const JwksResponse = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
/** GET /openapi.json: an OpenAPI 3.1 document, checked only for its version and paths. */
export const OpenApiDocumentResponse = z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) });
/** POST /v1/billing/webhook: a Stripe event, authenticated by its Stripe-Signature header, read by the worker alone. */
export const StripeEventRequest = z.looseObject({});

// ---------- two-factor sign-in and sign-ins you can see (issue 18) ----------

/** Recovery codes are ten characters of Crockford's base32, shown as `xxxxx-xxxxx`; spaces, dashes and case do not matter. */
export const RECOVERY_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
export const RECOVERY_CODE_COUNT = 10;
export function normalizeRecoveryCode(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[\s-]+/g, "")
    .replace(/[il]/g, "1")
    .replace(/o/g, "0");
}
export const TotpCode = z
  .string()
  .max(16)
  .transform((s) => s.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "must be the 6 digits the authenticator app shows"))
  .meta({ description: "6 digits from the authenticator app (RFC 6238, 30 s)", example: "123456" });
export const RecoveryCode = z
  .string()
  .max(64)
  .transform(normalizeRecoveryCode)
  .pipe(z.string().regex(/^[0-9a-hjkmnp-tv-z]{10}$/, "must be a recovery code such as abcde-12345"))
  .meta({ description: "one of the ten recovery codes, e.g. abcde-12345", example: "abcde-12345" });

/** The 401 second_factor_required problem's extra fields: what POST /v1/auth/second-factor needs. */
export const SecondFactorChallenge = z.object({
  challenge: z.string(),
  challengeExpiresAt: Timestamp,
  methods: z.array(z.enum(["totp", "recovery_code", "passkey"])),
  passkeyUrl: z.string().optional(),
});
export const SecondFactorRequest = z
  .strictObject({
    challenge: z.string().min(1).max(200).meta({ description: "from the second_factor_required problem of POST /v1/auth/login" }),
    code: TotpCode.optional(),
    recoveryCode: RecoveryCode.optional(),
    passkey: z.literal(true).optional().meta({ description: "the passkey was used on /account/passkey-sign-in for this challenge" }),
  })
  .refine((b) => [b.code, b.recoveryCode, b.passkey].filter((v) => v !== undefined).length === 1, {
    message: "send exactly one of code, recoveryCode, passkey",
    path: ["code"],
  });
export const TwoFactorStatusResponse = TwoFactorState;
export const TotpEnrolRequest = z.strictObject({
  authKey: AuthKey,
  accountName: Username.optional().meta({
    description:
      'The name the authenticator app shows for this account (the server cannot read the username, issue 18 item 5); default "Cargo VPN account".',
  }),
});
export const TotpEnrolResponse = z.object({
  secret: z.string().meta({ description: "base32, for typing into an authenticator app" }),
  otpauthUri: z.string().meta({ description: "otpauth://totp/… for a QR code" }),
  algorithm: z.literal("SHA1"),
  digits: z.literal(6),
  period: z.literal(30),
  expiresAt: Timestamp.meta({ description: "confirm with a first code before this" }),
});
export const TotpConfirmRequest = z.strictObject({ code: TotpCode });
export const RecoveryCodesResponse = z.object({
  recoveryCodes: z.array(z.string()).length(RECOVERY_CODE_COUNT).meta({ description: "shown once: only their hashes are kept" }),
});
/** Turning two-factor sign-in off, or replacing the recovery codes: the password and a current code from the app. */
export const TwoFactorProofRequest = z.strictObject({ authKey: AuthKey, code: TotpCode });
export const RenameDeviceRequest = z.strictObject({ label: DeviceInput.shape.label });
export const DeviceResponse = z.object({ device: Device });
export const SignOutOthersResponse = z.object({ signedOut: z.int().meta({ description: "how many other sign-ins were ended" }) });

export type SecondFactorChallenge = z.output<typeof SecondFactorChallenge>;
export type SecondFactorRequest = z.input<typeof SecondFactorRequest>;
export type TwoFactorStatusResponse = z.output<typeof TwoFactorStatusResponse>;
export type TotpEnrolRequest = z.input<typeof TotpEnrolRequest>;
export type TotpEnrolResponse = z.output<typeof TotpEnrolResponse>;
export type TotpConfirmRequest = z.input<typeof TotpConfirmRequest>;
export type RecoveryCodesResponse = z.output<typeof RecoveryCodesResponse>;
export type TwoFactorProofRequest = z.input<typeof TwoFactorProofRequest>;
export type RenameDeviceRequest = z.input<typeof RenameDeviceRequest>;
export type SignOutOthersResponse = z.output<typeof SignOutOthersResponse>;
export type DeviceResponse = z.output<typeof DeviceResponse>;

/** GET /v1/contacts: the addresses the privacy policy names (docs/privacy-policy.txt, filled by shared/src/policy.ts). */
export const ContactsResponse = z.object({
  privacyEmail: z.string().meta({ description: "privacy and deletion requests (PRIVACY_EMAIL)" }),
  abuseEmail: z.string().meta({ description: "reports of abuse, such as someone asking for a password (ABUSE_EMAIL)" }),
});
export type ContactsResponse = z.output<typeof ContactsResponse>;
// ---------- issue 20: undoing an email change ----------

/** POST /v1/email/change/undo: the token of the link sent to the address an email change leaves. */
export const EmailChangeUndoRequest = z.strictObject({ token: LinkToken });
export type EmailChangeUndoRequest = z.input<typeof EmailChangeUndoRequest>;

// --- passkeys as a second factor (issue 18 item 3) ---
/** POST /v1/me/passkey-tickets: a one-time link for the account page that registers a passkey. */
export const PasskeyTicketResponse = z.object({
  ticket: z.string().meta({ description: "one use, for POST /v1/passkeys/registration/options" }),
  url: z.string().meta({ description: "the account page to open in a tab: /account/passkeys#ticket=…" }),
  expiresAt: Timestamp,
});
/** A credential as the browser's WebAuthn API gives it (its JSON form); the worker checks it with @simplewebauthn/server. */
export const WebAuthnCredential = z.looseObject({
  id: z.string().min(1).max(1400),
  rawId: z.string().min(1).max(1400),
  type: z.literal("public-key"),
  response: z.looseObject({ clientDataJSON: z.string().min(1).max(8000) }),
});
/** PublicKeyCredentialCreationOptionsJSON / PublicKeyCredentialRequestOptionsJSON, for navigator.credentials. */
export const WebAuthnOptions = z
  .looseObject({})
  .meta({ id: "WebAuthnOptions", description: "passed as is to @simplewebauthn/browser (startRegistration / startAuthentication)" });
export const PasskeyTicketRequest = z.strictObject({ ticket: z.string().min(1).max(200) });
export const PasskeyRegistrationRequest = z.strictObject({
  response: WebAuthnCredential,
  label: z.string().trim().min(1).max(64).optional().meta({ description: "the person's name for it; sealed with the account's data key" }),
});
export const Passkey = z.object({
  id: z.string().meta({ description: "the credential id (base64url)" }),
  label: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export const PasskeyListResponse = z.object({ passkeys: z.array(Passkey) });
export const PasskeySignInOptionsRequest = z.strictObject({
  challenge: z.string().min(1).max(200).meta({ description: "from the second_factor_required problem" }),
});
export const PasskeySignInVerifyRequest = z.strictObject({
  challenge: z.string().min(1).max(200),
  response: WebAuthnCredential,
});
export type PasskeyTicketResponse = z.output<typeof PasskeyTicketResponse>;
export type PasskeyListResponse = z.output<typeof PasskeyListResponse>;
export type Passkey = z.output<typeof Passkey>;
