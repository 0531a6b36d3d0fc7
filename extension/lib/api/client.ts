/**
 * Typed client for the Cargo VPN API (docs/api.md), used by the background only.
 *
 *   const api = createApiClient({ baseUrl: () => settings.apiUrl, tokens, fetch });
 *   await api.login({ username, authKey, device });
 *   const { locations } = await api.locations();
 *
 * Authenticated calls refresh the access token silently: ahead of expiry, and
 * once more on a 401. Refresh tokens rotate and reusing one revokes the whole
 * chain, so concurrent refreshes are collapsed into one. When refreshing fails
 * for good the sign-in is dropped and `onSignedOut` is called.
 */
import type {
  Account,
  PlanOffer,
  DevicesResponse,
  Location,
  ProxyCredentials,
  StartSessionResponse,
  TelemetryEvent,
  TokenResponse,
  UsageResponse,
  UsageSession,
} from "@cargo-vpn/shared/schemas";
import type { KdfParams } from "@cargo-vpn/shared/kdf";
import { ACCESS_TOKEN_SKEW_MS } from "../config";
import { ApiError, type ErrorInfo } from "./api-error";
import type { TokenStore, Tokens } from "./token-store";

export interface ApiClientDeps {
  baseUrl: () => string | Promise<string>;
  tokens: TokenStore;
  fetch?: typeof fetch;
  now?: () => number;
  onSignedOut?: () => void;
}

export interface LoginInput {
  username: string;
  authKey: string;
  device: { id: string; kind: "chrome" | "firefox"; label: string };
  replaceDeviceId?: string;
}

export interface RegisterInput {
  username: string;
  email: string;
  authKey: string;
  kdf: KdfParams;
  ageConfirmed: boolean;
}

/** GET /v1/plans (contract v1.1): the shared schema's types. */
export type { PlanOffer, PlanPrice } from "@cargo-vpn/shared/schemas";

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

  async function parse<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) return json as T;
    throw new ApiError(problemInfo(response, json));
  }

  function storeTokens(answer: TokenResponse, deviceId: string): Tokens {
    return {
      accessToken: answer.accessToken,
      accessExpiresAt: now() + answer.expiresIn * 1000,
      refreshToken: answer.refreshToken,
      account: answer.account,
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
        const response = await raw("POST", "/v1/auth/refresh", { refreshToken: current.refreshToken });
        if (response.status === 401 || response.status === 400) return await signedOut();
        const answer = await parse<TokenResponse>(response);
        const next = storeTokens(answer, current.deviceId);
        await deps.tokens.set(next);
        return next;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function authed<T>(method: string, path: string, body?: unknown): Promise<T> {
    let tokens = await deps.tokens.get();
    if (!tokens) throw new ApiError({ code: "unauthorized", status: 401 });
    if (tokens.accessExpiresAt - ACCESS_TOKEN_SKEW_MS <= now()) tokens = await refresh(tokens);
    let response = await raw(method, path, body, tokens.accessToken);
    if (await tokenRejected(response)) {
      tokens = await refresh(tokens);
      response = await raw(method, path, body, tokens.accessToken);
      if (await tokenRejected(response)) return signedOut();
    }
    return parse<T>(response);
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
      return body.code !== "invalid_credentials";
    } catch {
      return true;
    }
  }

  const enc = encodeURIComponent;

  return {
    async prelogin(username: string): Promise<KdfParams> {
      const answer = await parse<{ salt: string; iterations: number }>(await raw("POST", "/v1/auth/prelogin", { username }));
      return { salt: answer.salt, iterations: answer.iterations };
    },
    async register(input: RegisterInput): Promise<Account> {
      return (await parse<{ account: Account }>(await raw("POST", "/v1/accounts", input))).account;
    },
    async login(input: LoginInput): Promise<Tokens> {
      const answer = await parse<TokenResponse>(await raw("POST", "/v1/auth/login", input));
      const tokens = storeTokens(answer, input.device.id);
      await deps.tokens.set(tokens);
      return tokens;
    },
    /** Best effort: the local sign-in is dropped even when the API cannot be reached. */
    async logout(): Promise<void> {
      try {
        await authed<void>("POST", "/v1/auth/logout");
      } finally {
        await deps.tokens.set(null);
      }
    },
    me: () => authed<{ account: Account }>("GET", "/v1/me").then((a) => a.account),
    updateMe: (patch: { telemetryOptIn: boolean } | { notifyNewDevice: boolean } | { email: string; authKey: string }) =>
      authed<{ account: Account }>("PATCH", "/v1/me", patch).then((a) => a.account),
    // ---- contract v1.1: email and purchase ----
    resendVerification: () => authed<void>("POST", "/v1/me/email/verification"),
    changePassword: (body: { authKey: string; newAuthKey: string; newKdf: KdfParams }) => authed<void>("POST", "/v1/me/password", body),
    async requestPasswordReset(email: string): Promise<void> {
      await parse<void>(await raw("POST", "/v1/auth/password-reset", { email }));
    },
    async plans(): Promise<PlanOffer[]> {
      return (await parse<{ plans: PlanOffer[] }>(await raw("GET", "/v1/plans"))).plans;
    },
    checkout: (plan: "plus" | "team", interval: "month" | "year") =>
      authed<{ url: string }>("POST", "/v1/billing/checkout", { plan, interval }).then((a) => a.url),
    portal: () => authed<{ url: string }>("POST", "/v1/billing/portal").then((a) => a.url),
    async deleteMe(authKey: string): Promise<void> {
      await authed<void>("DELETE", "/v1/me", { authKey });
      await deps.tokens.set(null);
    },
    devices: () => authed<DevicesResponse>("GET", "/v1/devices"),
    removeDevice: (id: string) => authed<void>("DELETE", `/v1/devices/${enc(id)}`),
    locations: () => authed<{ locations: Location[] }>("GET", "/v1/locations").then((a) => a.locations),
    startSession: (locationId: string) => authed<StartSessionResponse>("POST", "/v1/tunnel/sessions", { locationId }),
    renewSession: (id: string) =>
      authed<{ credentials: ProxyCredentials }>("POST", `/v1/tunnel/sessions/${enc(id)}/renew`).then((a) => a.credentials),
    endSession: (id: string) => authed<{ session: UsageSession }>("POST", `/v1/tunnel/sessions/${enc(id)}/end`).then((a) => a.session),
    usage: (cursor?: string | null, limit = 20) =>
      authed<UsageResponse>("GET", `/v1/usage?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ""}`),
    telemetry: (events: TelemetryEvent[]) => authed<void>("POST", "/v1/telemetry", { events }),
  };
}

function problemInfo(response: Response, json: unknown): ErrorInfo {
  const body = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const info: ErrorInfo = {
    code: typeof body.code === "string" ? (body.code as ErrorInfo["code"]) : response.status >= 500 ? "internal" : "unknown",
    status: response.status,
  };
  if (Array.isArray(body.devices)) info.devices = body.devices as ErrorInfo["devices"];
  if (typeof body.maxDevices === "number") info.maxDevices = body.maxDevices;
  const retryAfter = Number(response.headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) info.retryAfter = retryAfter;
  return info;
}
