/**
 * Typed client for the Cargo VPN API (docs/api.md), used by the background only.
 *
 *   const api = createApiClient({ baseUrl: () => settings.apiUrl, tokens, fetch });
 *   await api.signIn({ username, authKey, device });
 *   const locations = await api.locations();
 *
 * Every call goes through the shared route client (shared/src/route-client.ts),
 * so its path, body and answer schema are the route table's: an answer that
 * does not match throws ApiError `bad_response`, never a half-read object.
 * What is the extension's own is here: the tokens.
 *
 * Authenticated calls refresh the access token silently: ahead of expiry, and
 * once more on a 401. Refresh tokens rotate and reusing one revokes the whole
 * chain, so concurrent refreshes are collapsed into one. When refreshing fails
 * for good the sign-in is dropped and `onSignedOut` is called.
 */
import type { KdfParams } from "@cargo-vpn/shared/kdf";
import { normalizeUsername } from "@cargo-vpn/shared/normalize";
import { type OptionsArgument, type RequestOptions, routeClient } from "@cargo-vpn/shared/route-client";
import type { Route, RouteKey } from "@cargo-vpn/shared/routes";
import type {
  Account,
  ChangePasswordRequest,
  CheckoutRequest,
  PatchMeRequest,
  PlanOffer,
  RegisterRequest,
  SecondFactorRequest,
  SignInRequest,
  TelemetryEvent,
  TokenResponse,
  TwoFactorProofRequest,
} from "@cargo-vpn/shared/schemas";
import { ACCESS_TOKEN_SKEW_MS } from "../config";
import { ApiError } from "./api-error";
import { type TokenStore, type Tokens, withKnownName } from "./token-store";

/** The routes that take the user's access token: authed() adds it, so their options are the rest. */
type BearerKey = { [K in RouteKey]: Route<K>["auth"] extends "bearer" ? K : never }[RouteKey];
type AuthedOptions<K extends BearerKey> = Omit<RequestOptions<K>, "token">;
type AuthedArgument<K extends BearerKey> =
  Partial<AuthedOptions<K>> extends AuthedOptions<K> ? [options?: AuthedOptions<K>] : [options: AuthedOptions<K>];

export interface ApiClientDeps {
  baseUrl: () => string | Promise<string>;
  tokens: TokenStore;
  fetch?: typeof fetch;
  now?: () => number;
  onSignedOut?: () => void;
  /** This install's device secret, sent with every refresh so the API can bind a slot taken before secrets (issue 20 item 4). */
  deviceSecret?: () => Promise<string>;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(deps: ApiClientDeps) {
  const api = routeClient({
    baseUrl: deps.baseUrl,
    fetch: deps.fetch,
    headers: { accept: "application/json" },
    init: { credentials: "omit", cache: "no-store" },
  });
  const now = deps.now ?? Date.now;
  let refreshing: Promise<Tokens> | null = null;

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
        const response = await api.send("POST /v1/auth/refresh", {
          body: { refreshToken: current.refreshToken, ...(deviceSecret ? { deviceSecret } : {}) },
        });
        if (response.status === 401 || response.status === 400) return await signedOut();
        const answer = await api.read("POST /v1/auth/refresh", response);
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
  async function authed<K extends BearerKey>(key: K, ...[options]: AuthedArgument<K>): Promise<Response> {
    const send = (accessToken: string) => api.send(key, ...([{ ...options, token: accessToken }] as OptionsArgument<K>));
    let tokens = await deps.tokens.get();
    if (!tokens) throw new ApiError({ code: "unauthorized", status: 401 });
    if (tokens.accessExpiresAt - ACCESS_TOKEN_SKEW_MS <= now()) tokens = await refresh(tokens);
    let response = await send(tokens.accessToken);
    if (await tokenRejected(response)) {
      tokens = await refresh(tokens);
      response = await send(tokens.accessToken);
      if (await tokenRejected(response)) return signedOut();
    }
    return response;
  }

  /** authed(), then the answer read with the route's schema. */
  async function authedCall<K extends BearerKey>(key: K, ...options: AuthedArgument<K>) {
    return api.read(key, await authed(key, ...options));
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

  return {
    async prelogin(username: string): Promise<KdfParams> {
      const answer = await api.call("POST /v1/auth/prelogin", { body: { username } });
      return { salt: answer.salt, iterations: answer.iterations };
    },
    async register(input: RegisterRequest): Promise<Account> {
      return (await api.call("POST /v1/accounts", { body: input })).account;
    },
    async signIn(input: SignInRequest): Promise<Tokens> {
      signingInAs = normalizeUsername(input.username);
      const answer = await api.call("POST /v1/auth/login", { body: input });
      // The API's id, which differs from the one sent when that id was another slot's: keep it with the secret.
      const tokens = storeTokens(answer, answer.device.id, signingInAs);
      await deps.tokens.set(tokens);
      return tokens;
    },
    /** Best effort: the local sign-in is dropped even when the API cannot be reached. */
    async signOut(): Promise<void> {
      try {
        await authedCall("POST /v1/auth/logout");
      } finally {
        await deps.tokens.set(null);
      }
    },
    me: async () => (await authedCall("GET /v1/me")).account,
    updateMe: async (patch: PatchMeRequest) => (await authedCall("PATCH /v1/me", { body: patch })).account,
    // ---- contract v1.1: email and purchase ----
    resendVerification: async () => authedCall("POST /v1/me/email/verification"),
    changePassword: async (body: ChangePasswordRequest) => authedCall("POST /v1/me/password", { body }),
    async requestPasswordReset(email: string): Promise<void> {
      await api.call("POST /v1/auth/password-reset", { body: { email } });
    },
    async plans(): Promise<PlanOffer[]> {
      return (await api.call("GET /v1/plans")).plans;
    },
    checkout: async (plan: CheckoutRequest["plan"], interval: CheckoutRequest["interval"]) =>
      (await authedCall("POST /v1/billing/checkout", { body: { plan, interval } })).url,
    portal: async () => (await authedCall("POST /v1/billing/portal")).url,
    async deleteMe(authKey: string): Promise<void> {
      await authedCall("DELETE /v1/me", { body: { authKey } });
      await deps.tokens.set(null);
    },
    devices: async () => authedCall("GET /v1/devices"),
    removeDevice: async (id: string) => authedCall("DELETE /v1/devices/{id}", { params: { id } }),
    locations: async () => (await authedCall("GET /v1/locations")).locations,
    /** `alongside`: keep this device's sessions on other gateways open (per-site locations, docs/api.md). */
    startSession: async (locationId: string, options: { alongside?: boolean } = {}) =>
      authedCall("POST /v1/tunnel/sessions", { body: options.alongside ? { locationId, alongside: true } : { locationId } }),
    renewSession: async (id: string) => (await authedCall("POST /v1/tunnel/sessions/{id}/renew", { params: { id } })).credentials,
    endSession: async (id: string) => (await authedCall("POST /v1/tunnel/sessions/{id}/end", { params: { id } })).session,
    // An empty cursor is no cursor: the first page.
    usage: async (cursor?: string | null, limit = 20) => authedCall("GET /v1/usage", { query: { limit, cursor: cursor || undefined } }),
    telemetry: async (events: TelemetryEvent[]): Promise<void> => {
      await authedCall("POST /v1/telemetry", { body: { events } });
    },
    // ---- two-factor sign-in and sign-ins you can end (issue 18) ----
    /** The second step of a sign-in that answered second_factor_required; stores the tokens like signIn. */
    async completeSecondFactor(input: SecondFactorRequest, knownName: string | null = signingInAs): Promise<Tokens> {
      const answer = await api.call("POST /v1/auth/second-factor", { body: input });
      // The API may answer another device id than asked (a held id without its secret is a new device).
      const tokens = storeTokens(answer, answer.device.id, knownName);
      await deps.tokens.set(tokens);
      return tokens;
    },
    /** The name typed for the sign-in under way: a step the background carries on keeps it across a restart. */
    signingInAs: () => signingInAs,
    exportMe: async () => authedCall("GET /v1/me/export"),
    twoFactor: async () => authedCall("GET /v1/me/two-factor"),
    startTotp: async (authKey: string, accountName?: string) =>
      authedCall("POST /v1/me/two-factor/totp", { body: { authKey, ...(accountName ? { accountName } : {}) } }),
    confirmTotp: async (code: string) => (await authedCall("POST /v1/me/two-factor/totp/confirm", { body: { code } })).recoveryCodes,
    regenerateRecoveryCodes: async (proof: TwoFactorProofRequest) =>
      (await authedCall("POST /v1/me/two-factor/recovery-codes", { body: proof })).recoveryCodes,
    disableTwoFactor: async (proof: TwoFactorProofRequest) => authedCall("DELETE /v1/me/two-factor", { body: proof }),
    renameDevice: async (id: string, label: string) =>
      (await authedCall("PATCH /v1/devices/{id}", { params: { id }, body: { label } })).device,
    signOutOthers: async () => (await authedCall("POST /v1/me/sign-out-others")).signedOut,
    contacts: async () => api.call("GET /v1/contacts"),
    // passkeys (issue 18 item 3)
    passkeyTicket: async () => authedCall("POST /v1/me/passkey-tickets"),
    passkeys: async () => authedCall("GET /v1/me/passkeys"),
    removePasskey: async (id: string) => authedCall("DELETE /v1/me/passkeys/{id}", { params: { id } }),
  };
}
