/**
 * Typed client for the Cargo VPN API (docs/api.md), used by the background only.
 *
 *   const api = createApiClient({ baseUrl: () => settings.apiUrl, tokens, fetch });
 *   await api.signIn({ username, authKey, device });
 *   const locations = await api.locations();
 *
 * Requests and answers are the shared contract's types (shared/src/schemas.ts),
 * and every answer is parsed with its shared schema before it is used: one that
 * does not match throws ApiError `bad_response`, never a half-read object.
 *
 * Authenticated calls refresh the access token silently: ahead of expiry, and
 * once more on a 401. Refresh tokens rotate and reusing one revokes the whole
 * chain, so concurrent refreshes are collapsed into one. When refreshing fails
 * for good the sign-in is dropped and `onSignedOut` is called.
 */
import type { KdfParams } from "@cargo-vpn/shared/kdf";
import {
  AccountResponse,
  ExportResponse,
  BillingUrlResponse,
  ContactsResponse,
  DeviceResponse,
  RecoveryCodesResponse,
  SignOutOthersResponse,
  TotpEnrolResponse,
  TwoFactorStatusResponse,
  type SecondFactorRequest,
  type TwoFactorProofRequest,
  DevicesResponse,
  EndSessionResponse,
  LocationsResponse,
  PlansResponse,
  PreloginResponse,
  RenewResponse,
  StartSessionResponse,
  TelemetryResponse,
  TokenResponse,
  UsageResponse,
  type Account,
  type ChangePasswordRequest,
  type CheckoutRequest,
  type SignInRequest,
  type PatchMeRequest,
  type PlanOffer,
  type RegisterRequest,
  type TelemetryEvent,
  PasskeyListResponse,
  PasskeyTicketResponse,
} from "@cargo-vpn/shared/schemas";
import { ACCESS_TOKEN_SKEW_MS } from "../config";
import { ApiError } from "./api-error";
import { problemInfo } from "./problem-info";
import { normalizeUsername } from "@cargo-vpn/shared/normalize";
import { type TokenStore, type Tokens, withKnownName } from "./token-store";

export interface ApiClientDeps {
  baseUrl: () => string | Promise<string>;
  tokens: TokenStore;
  fetch?: typeof fetch;
  now?: () => number;
  onSignedOut?: () => void;
  /** This install's device secret, sent with every refresh so the API can bind a slot taken before secrets (issue 20 item 4). */
  deviceSecret?: () => Promise<string>;
}

/** What is needed of a shared zod schema: parsing an answer without trusting it. */
export interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(deps: ApiClientDeps) {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const now = deps.now ?? Date.now;
  let refreshing: Promise<Tokens> | null = null;

  async function raw(method: string, path: string, body?: unknown, accessToken?: string): Promise<Response> {
    const base = (await deps.baseUrl()).replace(/\/+$/, "");
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    try {
      return await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError({ code: "network", status: 0 });
    }
  }

  /** The body of a success, parsed with the contract's schema; a problem+json answer as ApiError. */
  async function parse<T>(response: Response, schema: AnswerSchema<T>): Promise<T> {
    const json = await readJson(response);
    if (!response.ok) throw new ApiError(problemInfo(response, json));
    const parsed = schema.safeParse(json);
    // Not what the contract promises (a captive portal's page, a proxy's error, an API newer than us): never use it half-read.
    if (!parsed.success) throw new ApiError({ code: "bad_response", status: response.status });
    return parsed.data;
  }

  /** A success whose body carries nothing the client needs (202, 204). */
  async function succeed(response: Response): Promise<void> {
    if (response.ok) return;
    throw new ApiError(problemInfo(response, await readJson(response)));
  }

  /** The name typed for the sign-in under way, for its second step (the API no longer answers it: issue 18 item 5). */
  let signingInAs: string | null = null;

  function storeTokens(answer: TokenResponse, deviceId: string, knownName: string | null): Tokens {
    return {
      accessToken: answer.accessToken,
      accessExpiresAt: now() + answer.expiresIn * 1000,
      refreshToken: answer.refreshToken,
      account: withKnownName(answer.account, knownName),
      deviceId,
    };
  }

  async function signedOut(): Promise<never> {
    await deps.tokens.set(null);
    deps.onSignedOut?.();
    throw new ApiError({ code: "unauthorized", status: 401 });
  }

  function refresh(current: Tokens): Promise<Tokens> {
    refreshing ??= (async () => {
      try {
        const deviceSecret = await deps.deviceSecret?.();
        const response = await raw("POST", "/v1/auth/refresh", {
          refreshToken: current.refreshToken,
          ...(deviceSecret ? { deviceSecret } : {}),
        });
        if (response.status === 401 || response.status === 400) return await signedOut();
        const answer = await parse(response, TokenResponse);
        const next = storeTokens(answer, current.deviceId, current.account.username);
        await deps.tokens.set(next);
        return next;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  /** An authenticated call; the Response once the token was accepted (refreshing it first or once after a 401 if needed). */
  async function authed(method: string, path: string, body?: unknown): Promise<Response> {
    let tokens = await deps.tokens.get();
    if (!tokens) throw new ApiError({ code: "unauthorized", status: 401 });
    if (tokens.accessExpiresAt - ACCESS_TOKEN_SKEW_MS <= now()) tokens = await refresh(tokens);
    let response = await raw(method, path, body, tokens.accessToken);
    if (await tokenRejected(response)) {
      tokens = await refresh(tokens);
      response = await raw(method, path, body, tokens.accessToken);
      if (await tokenRejected(response)) return signedOut();
    }
    return response;
  }

  /**
   * A 401 about the token, as opposed to one about what was sent: DELETE /v1/me
   * answers 401 invalid_credentials for a wrong password, and that must not
   * cost the user their sign-in.
   */
  async function tokenRejected(response: Response): Promise<boolean> {
    if (response.status !== 401) return false;
    try {
      const body = (await response.clone().json()) as { code?: string };
      // A wrong password or a wrong second-factor code is about what was sent, not the token.
      return body.code !== "invalid_credentials" && body.code !== "invalid_code";
    } catch {
      return true;
    }
  }

  const enc = encodeURIComponent;

  return {
    async prelogin(username: string): Promise<KdfParams> {
      const answer = await parse(await raw("POST", "/v1/auth/prelogin", { username }), PreloginResponse);
      return { salt: answer.salt, iterations: answer.iterations };
    },
    async register(input: RegisterRequest): Promise<Account> {
      return (await parse(await raw("POST", "/v1/accounts", input), AccountResponse)).account;
    },
    async signIn(input: SignInRequest): Promise<Tokens> {
      signingInAs = normalizeUsername(input.username);
      const answer = await parse(await raw("POST", "/v1/auth/login", input), TokenResponse);
      // The API's id, which differs from the one sent when that id was another slot's: keep it with the secret.
      const tokens = storeTokens(answer, answer.device.id, signingInAs);
      await deps.tokens.set(tokens);
      return tokens;
    },
    /** Best effort: the local sign-in is dropped even when the API cannot be reached. */
    async signOut(): Promise<void> {
      try {
        await succeed(await authed("POST", "/v1/auth/logout"));
      } finally {
        await deps.tokens.set(null);
      }
    },
    me: async () => (await parse(await authed("GET", "/v1/me"), AccountResponse)).account,
    updateMe: async (patch: PatchMeRequest) => (await parse(await authed("PATCH", "/v1/me", patch), AccountResponse)).account,
    // ---- contract v1.1: email and purchase ----
    resendVerification: async () => succeed(await authed("POST", "/v1/me/email/verification")),
    changePassword: async (body: ChangePasswordRequest) => succeed(await authed("POST", "/v1/me/password", body)),
    async requestPasswordReset(email: string): Promise<void> {
      await succeed(await raw("POST", "/v1/auth/password-reset", { email }));
    },
    async plans(): Promise<PlanOffer[]> {
      return (await parse(await raw("GET", "/v1/plans"), PlansResponse)).plans;
    },
    checkout: async (plan: CheckoutRequest["plan"], interval: CheckoutRequest["interval"]) =>
      (await parse(await authed("POST", "/v1/billing/checkout", { plan, interval } satisfies CheckoutRequest), BillingUrlResponse)).url,
    portal: async () => (await parse(await authed("POST", "/v1/billing/portal"), BillingUrlResponse)).url,
    async deleteMe(authKey: string): Promise<void> {
      await succeed(await authed("DELETE", "/v1/me", { authKey }));
      await deps.tokens.set(null);
    },
    devices: async () => parse(await authed("GET", "/v1/devices"), DevicesResponse),
    removeDevice: async (id: string) => succeed(await authed("DELETE", `/v1/devices/${enc(id)}`)),
    locations: async () => (await parse(await authed("GET", "/v1/locations"), LocationsResponse)).locations,
    /** `alongside`: keep this device's sessions on other gateways open (per-site locations, docs/api.md). */
    startSession: async (locationId: string, options: { alongside?: boolean } = {}) =>
      parse(
        await authed("POST", "/v1/tunnel/sessions", options.alongside ? { locationId, alongside: true } : { locationId }),
        StartSessionResponse,
      ),
    renewSession: async (id: string) =>
      (await parse(await authed("POST", `/v1/tunnel/sessions/${enc(id)}/renew`), RenewResponse)).credentials,
    endSession: async (id: string) => (await parse(await authed("POST", `/v1/tunnel/sessions/${enc(id)}/end`), EndSessionResponse)).session,
    usage: async (cursor?: string | null, limit = 20) =>
      parse(await authed("GET", `/v1/usage?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ""}`), UsageResponse),
    telemetry: async (events: TelemetryEvent[]): Promise<void> => {
      await parse(await authed("POST", "/v1/telemetry", { events }), TelemetryResponse);
    },
    // ---- two-factor sign-in and sign-ins you can end (issue 18) ----
    /** The second step of a sign-in that answered second_factor_required; stores the tokens like signIn. */
    async completeSecondFactor(input: SecondFactorRequest, knownName: string | null = signingInAs): Promise<Tokens> {
      const answer = await parse(await raw("POST", "/v1/auth/second-factor", input), TokenResponse);
      // The API may answer another device id than asked (a held id without its secret is a new device).
      const tokens = storeTokens(answer, answer.device.id, knownName);
      await deps.tokens.set(tokens);
      return tokens;
    },
    /** The name typed for the sign-in under way: a step the background carries on keeps it across a restart. */
    signingInAs: () => signingInAs,
    exportMe: async () => parse(await authed("GET", "/v1/me/export"), ExportResponse),
    twoFactor: async () => parse(await authed("GET", "/v1/me/two-factor"), TwoFactorStatusResponse),
    startTotp: async (authKey: string, accountName?: string) =>
      parse(await authed("POST", "/v1/me/two-factor/totp", { authKey, ...(accountName ? { accountName } : {}) }), TotpEnrolResponse),
    confirmTotp: async (code: string) =>
      (await parse(await authed("POST", "/v1/me/two-factor/totp/confirm", { code }), RecoveryCodesResponse)).recoveryCodes,
    regenerateRecoveryCodes: async (proof: TwoFactorProofRequest) =>
      (await parse(await authed("POST", "/v1/me/two-factor/recovery-codes", proof), RecoveryCodesResponse)).recoveryCodes,
    disableTwoFactor: async (proof: TwoFactorProofRequest) => succeed(await authed("DELETE", "/v1/me/two-factor", proof)),
    renameDevice: async (id: string, label: string) =>
      (await parse(await authed("PATCH", `/v1/devices/${enc(id)}`, { label }), DeviceResponse)).device,
    signOutOthers: async () => (await parse(await authed("POST", "/v1/me/sign-out-others"), SignOutOthersResponse)).signedOut,
    contacts: async () => parse(await raw("GET", "/v1/contacts"), ContactsResponse),
    // passkeys (issue 18 item 3)
    passkeyTicket: async () => parse(await authed("POST", "/v1/me/passkey-tickets"), PasskeyTicketResponse),
    passkeys: async () => parse(await authed("GET", "/v1/me/passkeys"), PasskeyListResponse),
    removePasskey: async (id: string) => succeed(await authed("DELETE", `/v1/me/passkeys/${enc(id)}`)),
  };
}

/** A body as JSON, or undefined when there is none or it is not JSON. */
async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
