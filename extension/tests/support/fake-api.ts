/**
 * An in-memory stand-in for the worker, for unit tests only: it speaks the
 * routes of docs/api.md and validates every request body with the
 * project's own strict zod schemas, so a request the real API would refuse
 * fails here too; the client parses its answers with the same schemas, so an
 * answer the contract does not allow fails the test that got it. Tokens are opaque random strings; no crypto is checked.
 */
import {
  ChangePasswordRequest,
  CheckoutRequest,
  DeleteMeRequest,
  EmailLinkRequest,
  SignInRequest,
  PatchMeRequest,
  PreloginRequest,
  RefreshRequest,
  RegisterRequest,
  StartSessionRequest,
  TelemetryRequest,
  RenameDeviceRequest,
  SecondFactorRequest,
  TotpConfirmRequest,
  TotpEnrolRequest,
  TwoFactorProofRequest,
  type Account,
  type Device,
  type TelemetryEvent,
  type UsageSession,
} from "@cargo-vpn/shared/schemas";
import type { ProblemCode } from "@cargo-vpn/shared/problems";
import { createFakeTwoFactor } from "./fake-two-factor";

interface AccountRecord {
  /** The username, which the real API keeps only as a blind index and the client's sealed copy. */
  name: string;
  account: Account;
  authKey: string;
  kdf: { salt: string; iterations: number };
  devices: Device[];
  sessions: UsageSession[];
  telemetry: TelemetryEvent[];
  /** An email change waiting for its new address to confirm. */
  pendingEmail?: string;
}

export interface FakeApiOptions {
  maxDevices?: number;
  accessTtlSeconds?: number;
  credentialTtlMs?: number;
  /** Where session answers point the browser. */
  proxy?: { scheme: "http" | "https"; host: string; port: number };
  /** A second online location ("loc-second", Paris, FR) besides "loc-local". */
  secondLocation?: boolean;
}

/** GET /v1/plans as docs/api.md describes it (prices in minor units). */
const PLANS = [
  { id: "free", name: "Free", maxDevices: 1, prices: [] },
  {
    id: "plus",
    name: "Plus",
    maxDevices: 5,
    prices: [
      { id: "price_plus_month", interval: "month", amount: 499, currency: "eur" },
      { id: "price_plus_year", interval: "year", amount: 4990, currency: "eur" },
    ],
  },
  { id: "team", name: "Team", maxDevices: 10, prices: [{ id: "price_team_month", interval: "month", amount: 999, currency: "eur" }] },
];

export function createFakeApi(options: FakeApiOptions = {}) {
  const accounts = new Map<string, AccountRecord>();
  const access = new Map<string, { username: string; deviceId: string; expires: number }>();
  const refresh = new Map<string, { username: string; deviceId: string; used: boolean }>();
  const calls: string[] = [];
  /** Messages the real API would email (contract v1.1): what a test reads instead of a mail folder. */
  const mail: Array<{ to: string; kind: "verification" | "password_reset" | "email_changed" | "password_changed" }> = [];
  const lastVerificationAt = new Map<string, number>();
  let seq = 0;
  const id = (prefix: string) => `${prefix}${++seq}`;
  const twoFactor = createFakeTwoFactor();
  /** Which location each session is on (the API keeps its gateway id). */
  const sessionLocations = new Map<string, string>();
  const now = () => Date.now();
  /** Passkeys by username (issue 18 item 3), and the sign-in challenges whose passkey page was used (a test marks them). */
  const passkeys = new Map<string, Array<{ id: string; label: string; createdAt: string; lastUsedAt: string | null }>>();
  const passkeyUsed = new Set<string>();

  const json = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": status >= 400 ? "application/problem+json" : "application/json", ...headers },
    });
  const problem = (status: number, code: ProblemCode, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    json(status, { type: `https://cargovpn.dev/problems/${code}`, title: code, status, code, detail: code, ...extra }, headers);

  function issue(record: AccountRecord, device: Device) {
    const accessToken = id("at-");
    const refreshToken = id("rt-");
    access.set(accessToken, {
      username: record.name,
      deviceId: device.id,
      expires: now() + (options.accessTtlSeconds ?? 900) * 1000,
    });
    refresh.set(refreshToken, { username: record.name, deviceId: device.id, used: false });
    return { tokenType: "Bearer", accessToken, expiresIn: options.accessTtlSeconds ?? 900, refreshToken, account: record.account, device };
  }

  /** Every proxy password issued, by session, with its expiry: what a gateway would verify. */
  const issued = new Map<string, Map<string, number>>();
  let credentialTtlMs = options.credentialTtlMs ?? 900_000;
  function credentials(sessionId: string) {
    const password = id("pw-");
    const expires = now() + credentialTtlMs;
    if (!issued.has(sessionId)) issued.set(sessionId, new Map());
    issued.get(sessionId)!.set(password, expires);
    return { username: sessionId, password, expiresAt: new Date(expires).toISOString() };
  }

  /** Gateway side: is this Basic user:password a live, unexpired session credential? */
  function sessionFor(username: string, password: string): UsageSession | null {
    const expires = issued.get(username)?.get(password);
    if (expires === undefined || expires <= now()) return null;
    for (const record of accounts.values()) {
      const session = record.sessions.find((s) => s.id === username && s.endedAt === null);
      if (session) return session;
    }
    return null;
  }

  /** Each slot's device secret, and the handles device_limit answers gave out (as the worker: never a device id). */
  const slotSecrets = new Map<string, string | undefined>();
  const handles = new Map<string, string>();
  const slotHolders = (devices: Device[]) =>
    devices.map((d) => {
      const handle = id("slot-");
      handles.set(handle, d.id);
      return { handle, kind: d.kind, label: d.label, registeredAt: d.registeredAt, lastActiveOn: d.lastActiveOn };
    });

  /** The slot a sign-in takes once every factor is proved: its own only with the slot's secret (issue 20 item 4). */
  function claim(
    record: AccountRecord,
    input: { device: { id: string; kind: Device["kind"]; label: string; secret?: string }; replaceDevice?: string },
  ) {
    const { secret, ...sent } = input.device;
    let device = record.devices.find((d) => d.id === sent.id);
    if (!device || secret === undefined || slotSecrets.get(device.id) !== secret) {
      const replaced = input.replaceDevice === undefined ? undefined : handles.get(input.replaceDevice);
      if (replaced) record.devices = record.devices.filter((d) => d.id !== replaced);
      if (record.devices.length >= record.account.plan.maxDevices) {
        return problem(409, "device_limit", { devices: slotHolders(record.devices), maxDevices: record.account.plan.maxDevices });
      }
      const stamp = new Date().toISOString();
      // The id was another slot's (or just was): a new device, under a new id.
      device = {
        ...sent,
        id: device ? crypto.randomUUID() : sent.id,
        registeredAt: stamp,
        lastSeenAt: stamp,
        lastActiveOn: stamp.slice(0, 10),
        current: false,
      };
      slotSecrets.set(device.id, secret);
      record.devices.push(device);
    }
    return json(200, issue(record, { ...device, current: true }));
  }

  /** GET/DELETE /v1/me/two-factor, enrolment and new recovery codes, as the worker answers them. */
  function twoFactorRoute(
    method: string,
    path: string,
    record: AccountRecord,
    parse: <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) => T | null,
  ): Response {
    const name = record.name;
    const state = twoFactor.records.get(name);
    if (method === "GET" && path === "/v1/me/two-factor") {
      return json(200, {
        enabled: state?.enabled === true,
        enabledAt: state?.enabled ? new Date().toISOString() : null,
        recoveryCodesLeft: state?.enabled ? state.recovery.size : 0,
      });
    }
    if (method === "POST" && path === "/v1/me/two-factor/totp") {
      const input = parse(TotpEnrolRequest);
      if (!input) return problem(400, "validation_failed");
      if (input.authKey !== record.authKey) return problem(401, "invalid_credentials");
      if (state?.enabled) return problem(409, "two_factor_enabled");
      const secret = twoFactor.start(name);
      return json(200, {
        secret,
        otpauthUri: `otpauth://totp/Cargo%20VPN:${encodeURIComponent(name)}?issuer=Cargo%20VPN&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
        algorithm: "SHA1",
        digits: 6,
        period: 30,
        expiresAt: new Date(Date.now() + 900_000).toISOString(),
      });
    }
    if (method === "POST" && path === "/v1/me/two-factor/totp/confirm") {
      const input = parse(TotpConfirmRequest);
      if (!input) return problem(400, "validation_failed");
      if (!state || state.enabled) return problem(409, state ? "two_factor_enabled" : "two_factor_not_enabled");
      if (twoFactor.accept(name, input.code, true) !== "ok") return problem(401, "invalid_code");
      return json(200, { recoveryCodes: twoFactor.newRecoveryCodes(name) });
    }
    const proof = parse(TwoFactorProofRequest);
    if (!proof) return problem(400, "validation_failed");
    if (proof.authKey !== record.authKey) return problem(401, "invalid_credentials");
    if (!state?.enabled) return problem(409, "two_factor_not_enabled");
    if (twoFactor.accept(name, proof.code) !== "ok") return problem(401, "invalid_code");
    if (method === "POST" && path === "/v1/me/two-factor/recovery-codes")
      return json(200, { recoveryCodes: twoFactor.newRecoveryCodes(name) });
    if (method === "DELETE" && path === "/v1/me/two-factor") {
      twoFactor.disable(name);
      return json(204);
    }
    return problem(404, "not_found");
  }

  async function handle(method: string, path: string, body: unknown, auth: string | null): Promise<Response> {
    calls.push(`${method} ${path}`);
    /** The body as the real API's schema reads it, or null where the API would answer 400. */
    const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | null => {
      const result = schema.safeParse(body);
      return result.success ? result.data : null;
    };

    if (method === "POST" && path === "/v1/auth/prelogin") {
      const input = parse(PreloginRequest);
      if (!input) return problem(400, "validation_failed");
      const record = accounts.get(input.username);
      return json(200, {
        kdf: "PBKDF2-SHA256",
        iterations: record?.kdf.iterations ?? 600000,
        salt: record?.kdf.salt ?? "AAAAAAAAAAAAAAAAAAAAAA",
      });
    }
    if (method === "POST" && path === "/v1/accounts") {
      const input = parse(RegisterRequest);
      if (!input) return problem(400, "validation_failed");
      if (input.ageConfirmed !== true) return problem(422, "age_requirement");
      if (accounts.has(input.username)) return problem(409, "username_taken");
      const account: Account = {
        id: id("acc-"),
        // Like the API: a client that sealed the name gets no readable copy back (issue 18 item 5).
        username: input.usernameSealed ? null : input.username,
        usernameSealed: input.usernameSealed ?? null,
        email: input.email,
        language: input.language ?? "en",
        emailVerified: false,
        createdAt: new Date().toISOString(),
        plan: { id: "free", name: "Free", maxDevices: options.maxDevices ?? 1 },
        subscription: null,
        notifyNewDevice: true,
        telemetryOptIn: false,
      };
      accounts.set(input.username, {
        name: input.username,
        account,
        authKey: input.authKey,
        kdf: input.kdf,
        devices: [],
        sessions: [],
        telemetry: [],
      });
      return json(201, { account });
    }
    if (method === "POST" && path === "/v1/auth/login") {
      const input = parse(SignInRequest);
      if (!input) return problem(400, "validation_failed");
      const record = accounts.get(input.username);
      if (!record || record.authKey !== input.authKey) return problem(401, "invalid_credentials");
      if (twoFactor.enabled(input.username)) {
        return problem(401, "second_factor_required", twoFactor.challenge(input.username, input));
      }
      return claim(record, input);
    }
    if (method === "POST" && path === "/v1/auth/second-factor") {
      const input = parse(SecondFactorRequest);
      if (!input) return problem(400, "validation_failed");
      const pending = twoFactor.peek(input.challenge);
      if (!pending) return problem(401, "invalid_challenge");
      if (input.passkey) {
        if (!passkeyUsed.has(input.challenge)) return problem(401, "second_factor_pending");
      } else if (input.code !== undefined) {
        const check = twoFactor.accept(pending.username, input.code);
        if (check !== "ok") return problem(401, "invalid_code");
      } else if (!twoFactor.spendRecoveryCode(pending.username, input.recoveryCode!)) {
        return problem(401, "invalid_code");
      }
      twoFactor.consume(input.challenge);
      return claim(accounts.get(pending.username)!, pending.request as Parameters<typeof claim>[1]);
    }
    if (method === "GET" && path === "/v1/contacts") {
      return json(200, { privacyEmail: "privacy@fake.test", abuseEmail: "abuse@fake.test" });
    }
    if (method === "POST" && path === "/v1/auth/refresh") {
      const input = parse(RefreshRequest);
      const entry = input && refresh.get(input.refreshToken);
      if (!entry || entry.used) return problem(401, "unauthorized");
      entry.used = true;
      const record = accounts.get(entry.username)!;
      // A slot from before device secrets is bound by the refresh (the worker's rule).
      if (input.deviceSecret && slotSecrets.get(entry.deviceId) === undefined) slotSecrets.set(entry.deviceId, input.deviceSecret);
      return json(200, issue(record, { ...record.devices.find((d) => d.id === entry.deviceId)!, current: true }));
    }

    if (method === "GET" && path === "/v1/plans") return json(200, { plans: PLANS });
    if (method === "POST" && path === "/v1/auth/password-reset") {
      const email = parse(EmailLinkRequest)?.email;
      if (!email) return problem(400, "validation_failed");
      if ([...accounts.values()].some((r) => r.account.email === email)) mail.push({ to: email, kind: "password_reset" });
      return json(202);
    }

    // Everything below needs a valid access token.
    const token = auth?.replace(/^Bearer /, "") ?? "";
    const who = access.get(token);
    if (!who || who.expires <= now()) return problem(401, "unauthorized");
    const record = accounts.get(who.username);
    if (!record) return problem(401, "unauthorized");

    if (method === "POST" && path === "/v1/auth/logout") {
      record.devices = record.devices.filter((d) => d.id !== who.deviceId);
      access.delete(token);
      return json(204);
    }
    if (path === "/v1/me") {
      if (method === "GET") return json(200, { account: record.account });
      if (method === "PATCH") {
        const patch = parse(PatchMeRequest);
        if (!patch) return problem(400, "validation_failed");
        // v1.1 adds { notifyNewDevice } and { email, authKey } to PATCH /v1/me (docs/api.md).
        if (patch.email !== undefined && patch.authKey !== undefined) {
          if (patch.authKey !== record.authKey) return problem(401, "invalid_credentials");
          const email = patch.email;
          if ([...accounts.values()].some((r) => r !== record && r.account.email === email)) return problem(409, "email_taken");
          // Pending until the new address confirms (issue 20): the account keeps its address.
          mail.push({ to: record.account.email, kind: "email_changed" }, { to: email, kind: "verification" });
          record.pendingEmail = email;
        }
        // Off needs the password (issue 20 item 4); the schema already refuses it without the authKey.
        if (patch.notifyNewDevice === false && patch.email === undefined && patch.authKey !== record.authKey) {
          return problem(401, "invalid_credentials");
        }
        if (patch.notifyNewDevice !== undefined) record.account = { ...record.account, notifyNewDevice: patch.notifyNewDevice };
        if (patch.telemetryOptIn !== undefined) record.account = { ...record.account, telemetryOptIn: patch.telemetryOptIn };
        if (patch.language !== undefined) record.account = { ...record.account, language: patch.language };
        return json(200, { account: record.account });
      }
      if (method === "DELETE") {
        const input = parse(DeleteMeRequest);
        if (!input) return problem(400, "validation_failed");
        if (input.authKey !== record.authKey) return problem(401, "invalid_credentials");
        accounts.delete(who.username);
        return json(204);
      }
    }
    if (method === "POST" && path === "/v1/me/email/verification") {
      const last = lastVerificationAt.get(record.account.id) ?? 0;
      if (now() - last < 60_000) return problem(429, "rate_limited", {}, { "retry-after": "60" });
      lastVerificationAt.set(record.account.id, now());
      mail.push({ to: record.account.email, kind: "verification" });
      return json(202);
    }
    if (method === "POST" && path === "/v1/me/password") {
      const input = parse(ChangePasswordRequest);
      if (!input) return problem(400, "validation_failed");
      if (input.authKey !== record.authKey) return problem(401, "invalid_credentials");
      record.authKey = input.newAuthKey;
      record.kdf = input.newKdf;
      // Every other device is signed out.
      record.devices = record.devices.filter((d) => d.id === who.deviceId);
      for (const [t, a] of access) if (a.username === who.username && a.deviceId !== who.deviceId) access.delete(t);
      mail.push({ to: record.account.email, kind: "password_changed" });
      return json(204);
    }
    if (method === "POST" && path === "/v1/billing/checkout") {
      const input = parse(CheckoutRequest);
      if (!input) return problem(400, "validation_failed");
      if (!record.account.emailVerified) return problem(403, "email_unverified");
      if (record.account.subscription) return problem(409, "already_subscribed");
      return json(200, { url: `https://checkout.stripe.test/c/${input.plan}-${input.interval}` });
    }
    if (method === "POST" && path === "/v1/billing/portal") {
      if (!record.account.subscription) return problem(404, "not_found");
      return json(200, { url: "https://billing.stripe.test/p/session" });
    }
    if (method === "GET" && path === "/v1/devices") {
      return json(200, {
        devices: record.devices.map((d) => ({ ...d, current: d.id === who.deviceId })),
        maxDevices: record.account.plan.maxDevices,
      });
    }
    const deviceMatch = /^\/v1\/devices\/([^/]+)$/.exec(path);
    if (method === "PATCH" && deviceMatch) {
      const input = parse(RenameDeviceRequest);
      if (!input) return problem(400, "validation_failed");
      const device = record.devices.find((d) => d.id === decodeURIComponent(deviceMatch[1]!));
      if (!device) return problem(404, "not_found");
      device.label = input.label;
      return json(200, { device: { ...device, current: device.id === who.deviceId } });
    }
    if (method === "POST" && path === "/v1/me/sign-out-others") {
      const others = record.devices.filter((d) => d.id !== who.deviceId);
      record.devices = record.devices.filter((d) => d.id === who.deviceId);
      for (const [t, a] of access) if (a.username === who.username && a.deviceId !== who.deviceId) access.delete(t);
      return json(200, { signedOut: others.length });
    }
    if (path.startsWith("/v1/me/two-factor")) return twoFactorRoute(method, path, record, parse);
    if (method === "GET" && path === "/v1/me/export") {
      return json(200, {
        account: record.account,
        devices: record.devices.map((d) => ({ ...d, current: d.id === who.deviceId })),
        sessions: record.sessions,
        usageDays: [],
        telemetry: [],
        planChanges: [],
        twoFactor: { enabled: false, enabledAt: null, recoveryCodesLeft: 0 },
      });
    }
    if (method === "POST" && path === "/v1/me/passkey-tickets") {
      const ticket = id("ticket-");
      return json(200, {
        ticket,
        url: `http://localhost:8787/account/passkeys#ticket=${ticket}`,
        expiresAt: new Date(now() + 300_000).toISOString(),
      });
    }
    if (method === "GET" && path === "/v1/me/passkeys") return json(200, { passkeys: passkeys.get(who.username) ?? [] });
    const passkeyMatch = /^\/v1\/me\/passkeys\/([^/]+)$/.exec(path);
    if (method === "DELETE" && passkeyMatch) {
      const list = passkeys.get(who.username) ?? [];
      const left = list.filter((p) => p.id !== decodeURIComponent(passkeyMatch[1]!));
      passkeys.set(who.username, left);
      return left.length === list.length ? problem(404, "not_found") : json(204);
    }
    if (method === "DELETE" && deviceMatch) {
      const before = record.devices.length;
      record.devices = record.devices.filter((d) => d.id !== decodeURIComponent(deviceMatch[1]!));
      return before === record.devices.length ? problem(404, "not_found") : json(204);
    }
    if (method === "GET" && path === "/v1/locations") {
      const gateway = options.proxy ?? { scheme: "http", host: "127.0.0.1", port: 3128 };
      const pingUrl = `${gateway.scheme}://${gateway.host}:${gateway.port}/ping`;
      const locations = [{ id: "loc-local", name: "Local", country: "DE", load: 0.25, online: true, pingUrl }];
      if (options.secondLocation)
        locations.push({
          id: "loc-second",
          name: "Paris",
          country: "FR",
          load: 0.5,
          online: true,
          pingUrl: "https://paris.gw.test:443/ping",
        });
      return json(200, { locations });
    }
    if (method === "POST" && path === "/v1/tunnel/sessions") {
      const input = parse(StartSessionRequest);
      if (!input) return problem(400, "validation_failed");
      if (input.locationId !== "loc-local" && !(options.secondLocation && input.locationId === "loc-second"))
        return problem(404, "not_found");
      // One open session per device and gateway: alongside ends only the one on this location (docs/api.md).
      for (const open of record.sessions)
        if (!input.alongside || sessionLocations.get(open.id) === input.locationId) open.endedAt ??= new Date().toISOString();
      const session: UsageSession = { id: id("sess-"), startedAt: new Date().toISOString(), endedAt: null, bytesUp: 0, bytesDown: 0 };
      record.sessions.unshift(session);
      sessionLocations.set(session.id, input.locationId);
      const proxy = options.proxy ?? { scheme: "http" as const, host: "127.0.0.1", port: 3128 };
      return json(201, {
        session: { id: session.id, startedAt: session.startedAt },
        // The second location is another gateway: the next port.
        proxy: input.locationId === "loc-second" ? { ...proxy, port: proxy.port + 1 } : proxy,
        credentials: credentials(session.id),
      });
    }
    const sessionMatch = /^\/v1\/tunnel\/sessions\/([^/]+)\/(renew|end)$/.exec(path);
    if (method === "POST" && sessionMatch) {
      const session = record.sessions.find((s) => s.id === sessionMatch[1]);
      if (!session) return problem(404, "not_found");
      if (sessionMatch[2] === "renew")
        return session.endedAt ? problem(409, "session_ended") : json(200, { credentials: credentials(session.id) });
      session.endedAt ??= new Date().toISOString();
      return json(200, { session });
    }
    if (method === "GET" && path.startsWith("/v1/usage")) {
      const url = new URL(path, "http://x");
      const limit = Number(url.searchParams.get("limit") ?? 20);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const page = record.sessions.slice(start, start + limit);
      const totals = record.sessions.reduce(
        (t, s) => ({ sessions: t.sessions + 1, bytesUp: t.bytesUp + s.bytesUp, bytesDown: t.bytesDown + s.bytesDown }),
        { sessions: 0, bytesUp: 0, bytesDown: 0 },
      );
      return json(200, { sessions: page, totals, nextCursor: start + limit < record.sessions.length ? String(start + limit) : null });
    }
    if (method === "POST" && path === "/v1/telemetry") {
      const input = parse(TelemetryRequest);
      if (!input) return problem(400, "validation_failed");
      if (!record.account.telemetryOptIn) return problem(403, "telemetry_disabled");
      record.telemetry.push(...input.events);
      return json(202, { accepted: input.events.length });
    }
    return problem(404, "not_found");
  }

  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    return handle(init.method ?? "GET", url.pathname + url.search, body, headers.get("authorization"));
  };

  return {
    setCredentialTtl: (ms: number) => {
      credentialTtlMs = ms;
    },
    fetch: fetch as typeof globalThis.fetch,
    sessionFor,
    accounts,
    access,
    refresh,
    calls,
    mail,
    /** Two-factor state by username: the test reads the secret an enrolment handed out here, as an app would scan it. */
    twoFactor: twoFactor.records,
    passkeys,
    passkeyUsed,
    expireAccessTokens: () => {
      for (const a of access.values()) a.expires = 0;
    },
  };
}
