/**
 * POSTs to the gateway-facing routes of the Cargo API with the gateway's
 * Bearer secret, and turns every outcome into a result the callers can retry
 * on. Failures carry a class for logs (network, timeout, http_5xx, an API
 * problem code), never the URL.
 *
 *   const api = new GatewayApi({ apiUrl, secret });
 *   const result = await api.post("/v1/gateway/heartbeat", body, HeartbeatResponse);
 */
import { isProblemBody } from "@cargo-vpn/shared/problems";
import type { HeartbeatRequest, HeartbeatResponse, UsageBatchRequest, UsageBatchResponse } from "@cargo-vpn/shared/schemas";

/** The gateway-facing routes with the body each takes and the answer it gives, as the shared contract declares them. */
export interface GatewayRoutes {
  "/v1/gateway/heartbeat": { request: HeartbeatRequest; response: HeartbeatResponse };
  "/v1/gateway/usage": { request: UsageBatchRequest; response: UsageBatchResponse };
}

/** The part of a zod schema used here, so the gateway does not depend on zod itself. */
export interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export type ApiResult<T> = { ok: true; body: T } | { ok: false; retryable: boolean; failure: string };

export interface GatewayApiOptions {
  apiUrl: string;
  secret: string;
  timeoutMs?: number;
}

export class GatewayApi {
  constructor(private readonly options: GatewayApiOptions) {}

  async post<P extends keyof GatewayRoutes>(
    path: P,
    body: GatewayRoutes[P]["request"],
    schema: ResponseSchema<GatewayRoutes[P]["response"]>,
  ): Promise<ApiResult<GatewayRoutes[P]["response"]>> {
    let response: Response;
    try {
      response = await fetch(this.options.apiUrl + path, {
        method: "POST",
        headers: { authorization: `Bearer ${this.options.secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const timeout = (error as Error)?.name === "TimeoutError";
      return { ok: false, retryable: true, failure: timeout ? "timeout" : "network" };
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch {
      payload = undefined;
    }
    if (!response.ok) {
      const code = isProblemBody(payload) ? payload.code : `http_${response.status}`;
      // 4xx other than timeouts and rate limits will not change by retrying,
      // but callers still keep what they were sending: see usage-reporter.ts.
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return { ok: false, retryable, failure: code };
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return { ok: false, retryable: true, failure: "bad_response" };
    return { ok: true, body: parsed.data };
  }
}
