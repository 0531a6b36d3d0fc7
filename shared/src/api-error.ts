/**
 * The one error every API client throws (route-client.ts): a problem+json
 * answer from the API (with its `code`), `network` when the API could not be
 * reached at all, or `bad_response` when it answered something the contract
 * does not allow. Its `info` is plain data so it crosses the extension's
 * popup/background message boundary intact; what only a log or a test reads
 * (the raw problem code, a timeout) rides on the error, not in `info`.
 */
import type { ProblemCode } from "./problems";
import type { SecondFactorChallenge, SlotHolder } from "./schemas";

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

/** Details kept off `info`: for logs (the gateway names failures by them), never sent across. */
export interface ApiErrorDetails {
  /** The `code` of a problem+json body as the API wrote it, also one this client does not know; undefined for other bodies. */
  problemCode?: string;
  /** The request was given up by its abort signal's timeout, not refused by the network. */
  timedOut?: boolean;
  /** What fetch threw, kept for a stack trace. */
  cause?: unknown;
}

export class ApiError extends Error {
  readonly problemCode: string | undefined;
  readonly timedOut: boolean;

  constructor(
    readonly info: ErrorInfo,
    details: ApiErrorDetails = {},
  ) {
    super(`API error ${info.code} (${info.status})`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ApiError";
    this.problemCode = details.problemCode;
    this.timedOut = details.timedOut ?? false;
  }
}
