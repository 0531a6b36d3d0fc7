/**
 * The one error type the API client throws: a problem+json answer from the
 * API (with its `code`), `network` when the API could not be reached at all,
 * or `bad_response` when it answered something the contract does not allow.
 * It is plain data so it crosses the popup/background message boundary intact.
 */
import type { ProblemCode } from "@cargo-vpn/shared/problems";
import type { SecondFactorChallenge, SlotHolder } from "@cargo-vpn/shared/schemas";

/**
 * docs/api.md's codes plus what can go wrong around an answer: none arrived
 * (`network`), one arrived that the shared schema refuses (`bad_response`), or
 * an error without a code this client knows (`unknown`).
 */
export type ErrorCode = ProblemCode | "network" | "bad_response" | "unknown";

export interface ErrorInfo {
  code: ErrorCode;
  status: number;
  /** Only for device_limit: who holds the slots, by handle (never a device id). */
  devices?: SlotHolder[];
  maxDevices?: number;
  /** Seconds, from Retry-After on rate_limited. */
  retryAfter?: number;
  /** Only for second_factor_required: the challenge a code completes (POST /v1/auth/second-factor). */
  secondFactor?: SecondFactorChallenge;
}

export class ApiError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(`API error ${info.code} (${info.status})`);
    this.name = "ApiError";
  }
}

/** Any thrown value as ErrorInfo, so callers never have to guess its shape. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  if (typeof error === "object" && error !== null && "code" in error && "status" in error) {
    return error as ErrorInfo;
  }
  return { code: "unknown", status: 0 };
}

/** Errors that may go away by themselves (worth retrying with backoff). */
export function isTransient(info: ErrorInfo): boolean {
  // A malformed answer is most often something between us and the API (a captive portal, a proxy's page): it passes.
  return (
    info.code === "network" || info.code === "rate_limited" || info.status >= 500 || info.code === "unknown" || info.code === "bad_response"
  );
}
