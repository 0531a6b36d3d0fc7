/**
 * The D1 schema (drizzle). What is here is everything the service keeps in
 * its database; personal fields exist only as ciphertext plus blind index.
 * Times are epoch milliseconds. Migrations are generated from this file with
 * `npm run worker -- db:generate` into worker/migrations.
 */
import type { Language } from "@cargo-vpn/shared";
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const accountColumns = {
  id: text("id").primaryKey(),
  usernameIndex: text("username_index").notNull().unique(),
  emailIndex: text("email_index").notNull().unique(),
  /** The server's copy of the name, under the data key; '' once the client's sealed copy replaced it (migration 0010). */
  usernameCiphertext: text("username_ciphertext").notNull(),
  /** The name sealed by the owner's client (shared/src/username-seal.ts): no server key opens it. */
  usernameSealed: text("username_sealed"),
  emailCiphertext: text("email_ciphertext").notNull(),
  /** The account's data key, wrapped by DATA_KEK. Deleting it is what makes erasure final. */
  wrappedKey: text("wrapped_key").notNull(),
  /** Which DATA_KEK version wrapped it (migration 0004): `keys kek status` counts the rows left on an old one. */
  kekVersion: integer("kek_version").notNull().default(1),
  kdfSalt: text("kdf_salt").notNull(),
  kdfIterations: integer("kdf_iterations").notNull(),
  authVerifier: text("auth_verifier").notNull(),
  planId: text("plan_id").notNull().default("free"),
  /** Set once a link sent to the current address was used. */
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  notifyNewDevice: integer("notify_new_device", { mode: "boolean" }).notNull().default(true),
  telemetryOptIn: integer("telemetry_opt_in", { mode: "boolean" }).notNull().default(false),
  /** The language of its mails and account pages (shared/src/languages.ts; migration 0015). */
  language: text("language").$type<Language>().notNull().default("en"),
  createdAt: integer("created_at").notNull(),
  /** After a plan went down: until when devices above the new limit keep their slots (billing/downgrade-grace.ts). */
  downgradeGraceUntil: integer("downgrade_grace_until"),
};
export const accounts = sqliteTable("accounts", accountColumns, (t) => [
  // Migration 0007: the cron finds accounts whose grace ends; partial, as nearly every row has none.
  index("accounts_downgrade_grace_until").on(t.downgradeGraceUntil).where(sql`${t.downgradeGraceUntil} IS NOT NULL`),
]);

/** One row per signed-in device: access tokens name it (claim `sign_in`) and die with it. */
export const signIns = sqliteTable(
  "sign_ins",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    deviceId: text("device_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("sign_ins_account_device").on(t.accountId, t.deviceId)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    signInId: text("sign_in_id")
      .notNull()
      .references(() => signIns.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("refresh_tokens_sign_in").on(t.signInId), index("refresh_tokens_expires").on(t.expiresAt)],
);

export const gateways = sqliteTable("gateways", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  country: text("country").notNull(),
  scheme: text("scheme", { enum: ["https", "http"] }).notNull(),
  host: text("host").notNull(),
  port: integer("port").notNull(),
  /**
   * A second TLS port offering only HTTP/1.1 (migration 0017), where Firefox is sent: its tunnels over an
   * HTTP/2 proxy stall on large downloads, while Chromium keeps h2 on `port`. Null: every browser uses `port`.
   */
  http1Port: integer("http1_port"),
  secretHash: text("secret_hash").notNull().unique(),
  /** The secret before `gateway rotate-secret` (migration 0004): accepted until it expires or the new one is used. */
  previousSecretHash: text("previous_secret_hash").unique(),
  previousSecretExpiresAt: integer("previous_secret_expires_at"),
  load: real("load").notNull().default(0),
  activeSessions: integer("active_sessions").notNull().default(0),
  lastHeartbeatAt: integer("last_heartbeat_at"),
  createdAt: integer("created_at").notNull(),
});

/** The only activity record: when a session started and ended and how many bytes it moved. */
export const tunnelSessions = sqliteTable(
  "tunnel_sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    deviceId: text("device_id").notNull(),
    gatewayId: text("gateway_id").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    lastActivityAt: integer("last_activity_at").notNull(),
    bytesUp: integer("bytes_up").notNull().default(0),
    bytesDown: integer("bytes_down").notNull().default(0),
    /** The last usage-intake fold counted in this row's bytes (usage/usage-intake.ts; migration 0016). */
    usageFold: integer("usage_fold").notNull().default(0),
  },
  (t) => [
    index("tunnel_sessions_account_started").on(t.accountId, t.startedAt),
    index("tunnel_sessions_gateway_ended").on(t.gatewayId, t.endedAt),
    // Open sessions (ended_at IS NULL) for the idle scan; not last_activity_at, which every usage fold moves (migration 0016).
    index("tunnel_sessions_ended").on(t.endedAt),
    // At most one open session per device on each gateway, even under concurrent starts (migration 0014).
    uniqueIndex("tunnel_sessions_one_open_per_device_gateway").on(t.accountId, t.deviceId, t.gatewayId).where(sql`ended_at IS NULL`),
  ],
);

export const telemetryEvents = sqliteTable(
  "telemetry_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    attemptAt: integer("attempt_at").notNull(),
    connectionType: text("connection_type").notNull(),
    encryptionType: text("encryption_type").notNull(),
    deviceType: text("device_type").notNull(),
    outcome: text("outcome").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("telemetry_account").on(t.accountId), index("telemetry_received").on(t.receivedAt)],
);

/**
 * Billing: one row per account that has a Stripe customer. The customer and
 * subscription ids are sealed with the account's data key; the customer id is
 * found again (webhooks name only the customer) through a keyed blind index.
 * Status and dates are Stripe's, as of the newest event applied
 * (`event_created`, Stripe's seconds); `revision` changes on every write so
 * concurrent deliveries update it by compare-and-swap.
 */
export const subscriptions = sqliteTable("subscriptions", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  customerIndex: text("customer_index").notNull().unique(),
  customerCiphertext: text("customer_ciphertext").notNull(),
  subscriptionCiphertext: text("subscription_ciphertext"),
  /** The plan the subscription grants now: free once it has ended. */
  planId: text("plan_id").notNull().default("free"),
  status: text("status"),
  renewsAt: integer("renews_at"),
  cancelAt: integer("cancel_at"),
  eventCreated: integer("event_created").notNull().default(0),
  revision: text("revision").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Until when the account's one open Checkout holds (ms); another checkout before then is refused or gets the same one. */
  checkoutUntil: integer("checkout_until"),
  /** That checkout's plan, interval and URL, sealed with the account's key. */
  checkoutCiphertext: text("checkout_ciphertext"),
});

/** Stripe event ids already applied, so a redelivery is acknowledged and not applied twice. Purged by housekeeping. */
export const billingEvents = sqliteTable(
  "billing_events",
  {
    eventId: text("event_id").primaryKey(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("billing_events_received").on(t.receivedAt)],
);

/** Plan changes made by support (`npm run ops -- plan set --reason`), with why; never personal data. */
export const planChanges = sqliteTable(
  "plan_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    planId: text("plan_id").notNull(),
    source: text("source").notNull(),
    reason: text("reason"),
    changedAt: integer("changed_at").notNull(),
  },
  (t) => [index("plan_changes_account").on(t.accountId)],
);

/**
 * Email link tokens (verify, reset, deletion): only a hash of the token, the
 * account, what the link is for, the blind index of the address it was sent
 * to, and when it expires. A token is deleted when used, so it works once.
 */
/**
 * Email changes (accounts/email-change.ts): pending until the new address
 * confirms, then kept as applied until `undo_until` so the old address's link
 * can still undo it. Both addresses exactly as the account row keeps them.
 */
export const emailChanges = sqliteTable(
  "email_changes",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "applied"] }).notNull(),
    newEmailIndex: text("new_email_index").notNull(),
    newEmailCiphertext: text("new_email_ciphertext").notNull(),
    oldEmailIndex: text("old_email_index").notNull(),
    oldEmailCiphertext: text("old_email_ciphertext").notNull(),
    createdAt: integer("created_at").notNull(),
    undoUntil: integer("undo_until").notNull(),
  },
  (t) => [index("email_changes_account").on(t.accountId), index("email_changes_undo_until").on(t.undoUntil)],
);

export const emailTokens = sqliteTable(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify", "reset", "deletion", "email-change", "email-change-undo"] }).notNull(),
    emailIndex: text("email_index").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("email_tokens_account").on(t.accountId, t.purpose), index("email_tokens_expires").on(t.expiresAt)],
);

/**
 * Two-factor sign-in (TOTP), one row per account that started or finished
 * enrolling: the secret sealed with the account's data key (field
 * "totp-secret"); `enabledAt` stays null until a first code confirmed it.
 * `lastStep` is the newest 30-second time step a code was accepted for:
 * a code is accepted only for a later step, so each one works once.
 */
export const twoFactor = sqliteTable("two_factor", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  secretCiphertext: text("secret_ciphertext").notNull(),
  startedAt: integer("started_at").notNull(),
  enabledAt: integer("enabled_at"),
  lastStep: integer("last_step"),
});

/** Recovery codes: only a keyed hash of each (INDEX_KEY, bound to the account); a used one is deleted. */
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("recovery_codes_account").on(t.accountId)],
);

/**
 * A sign-in that proved the password and waits for its second factor: only a
 * hash of the challenge token, the account, the device it is for (sealed
 * with the account's data key) and when it expires. Deleted when completed.
 */
export const signInChallenges = sqliteTable(
  "sign_in_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    requestCiphertext: text("request_ciphertext").notNull(),
    expiresAt: integer("expires_at").notNull(),
    /** Set when a passkey was used for this challenge on /account/passkey-sign-in; the client then completes it. */
    passkeyVerifiedAt: integer("passkey_verified_at"),
  },
  (t) => [index("sign_in_challenges_account").on(t.accountId), index("sign_in_challenges_expires").on(t.expiresAt)],
);

// --- passkeys as a second factor (issue 18 item 3) ---
/**
 * An account's WebAuthn credentials: the credential id and COSE public key
 * (base64url; neither says anything about the person), the signature
 * counter, the transports the browser reported, and the person's label
 * sealed with the account's data key (field "passkey-label").
 */
export const passkeys = sqliteTable(
  "passkeys",
  {
    credentialId: text("credential_id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    publicKey: text("public_key").notNull(),
    counter: integer("counter").notNull(),
    transports: text("transports").notNull(),
    labelCiphertext: text("label_ciphertext").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("passkeys_account").on(t.accountId)],
);

/**
 * One-time steps of the passkey flows, by the hash of their secret only:
 * `ticket` (opens the registration page), `register` and `sign-in` (a
 * WebAuthn challenge; `signInHash` ties the latter to its sign-in challenge).
 * Deleted when used; the cron deletes expired ones.
 */
export const webauthnChallenges = sqliteTable(
  "webauthn_challenges",
  {
    challengeHash: text("challenge_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["ticket", "register", "sign-in"] }).notNull(),
    signInHash: text("sign_in_hash"),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("webauthn_challenges_account").on(t.accountId), index("webauthn_challenges_expires").on(t.expiresAt)],
);

/**
 * Usage older than the per-session retention, one row per account and UTC day
 * (the day a session started, days since the epoch): how many sessions and
 * bytes. The cron folds sessions in and deletes them; GET /v1/usage totals
 * include these rows. Kept USAGE_DAY_RETENTION_DAYS.
 */
export const usageDays = sqliteTable(
  "usage_days",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    day: integer("day").notNull(),
    sessions: integer("sessions").notNull(),
    bytesUp: integer("bytes_up").notNull(),
    bytesDown: integer("bytes_down").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day] })],
);
