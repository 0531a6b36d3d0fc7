/**
 * The gateway's calls to the Cargo API, through the shared route client
 * (shared/src/route-client.ts) with the gateway's Bearer secret, every outcome
 * turned into a result the callers can retry on. Failures carry a class for
 * logs (network, timeout, http_5xx, an API problem code), never the URL.
 *
 *   const api = new GatewayApi({ apiUrl, secret });
 *   const result = await api.post("POST /v1/gateway/heartbeat", body);
 */
import { ApiError } from "@cargo-vpn/shared/api-error";
import { type RouteClient, routeClient } from "@cargo-vpn/shared/route-client";
import type { Route, RouteAnswer, RouteBody, RouteKey } from "@cargo-vpn/shared/routes";

/** The routes a gateway calls with its own secret. */
type GatewayRouteKey = { [K in RouteKey]: Route<K>["auth"] extends "gatewaySecret" ? K : never }[RouteKey];

export type ApiResult<T> = { ok: true; body: T } | { ok: false; retryable: boolean; failure: string };

export interface GatewayApiOptions {
  apiUrl: string;
  secret: string;
  timeoutMs?: number;
}

export class GatewayApi {
  private readonly api: RouteClient;

  constructor(private readonly options: GatewayApiOptions) {
    this.api = routeClient({ baseUrl: options.apiUrl, timeoutMs: options.timeoutMs ?? 10_000 });
  }

  async post<K extends GatewayRouteKey>(key: K, body: RouteBody<K>): Promise<ApiResult<RouteAnswer<K>>> {
    try {
      // The cast only forgets which gateway route K is: both take a body and the secret.
      const answer = await this.api.call(key as GatewayRouteKey, { token: this.options.secret, body } as never);
      return { ok: true, body: answer as RouteAnswer<K> };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { ok: false, ...failureOf(error) };
    }
  }
}

function failureOf(error: ApiError): { retryable: boolean; failure: string } {
  const { code, status } = error.info;
  if (code === "network") return { retryable: true, failure: error.timedOut ? "timeout" : "network" };
  if (code === "bad_response") return { retryable: true, failure: "bad_response" };
  // 4xx other than timeouts and rate limits will not change by retrying,
  // but callers still keep what they were sending: see usage-reporter.ts.
  const retryable = status >= 500 || status === 408 || status === 429;
  return { retryable, failure: error.problemCode ?? `http_${status}` };
}
