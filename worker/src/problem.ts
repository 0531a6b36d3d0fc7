/**
 * Typed API errors, a domain concept: domain code anywhere throws
 * `new Problem(code, detail)` without knowing about HTTP; the one `onError`
 * handler (http/errors.ts, wired in app.ts) renders it as RFC 9457
 * application/problem+json.
 */
import { PROBLEM_STATUS, PROBLEM_TYPE_BASE, type ProblemCode } from "@cargo-vpn/shared";

const TITLES: Record<ProblemCode, string> = {
  validation_failed: "The request is not valid",
  malformed_json: "The request body is not valid JSON",
  invalid_token: "The link is not valid any more",
  unauthorized: "Authentication required",
  invalid_credentials: "Wrong username or password",
  forbidden: "Not allowed",
  telemetry_disabled: "Telemetry is turned off for this account",
  email_unverified: "The email address is not confirmed yet",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  username_taken: "That username is taken",
  email_taken: "That email is already registered",
  device_limit: "Every device slot of the plan is in use",
  session_ended: "The tunnel session has ended",
  too_many_sessions: "This device already holds as many open tunnel sessions as it may",
  already_subscribed: "The account already has a subscription",
  checkout_open: "The account already has an open checkout",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "The request body must be JSON",
  age_requirement: "You must be 13 or older",
  rate_limited: "Too many attempts",
  internal: "Something went wrong on our side",
  unavailable: "Temporarily unavailable",
  second_factor_required: "A second factor is needed to finish signing in",
  invalid_code: "The code is wrong, expired or already used",
  invalid_challenge: "The sign-in step is not valid any more",
  two_factor_enabled: "Two-factor sign-in is already on",
  two_factor_not_enabled: "Two-factor sign-in is not on",
  username_mismatch: "That is not the account's username",
  invalid_ticket: "The passkey link is not valid any more",
  invalid_passkey: "The passkey was not accepted",
  second_factor_pending: "The passkey has not been used yet",
};

export class Problem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "Problem";
    this.status = PROBLEM_STATUS[code];
  }

  toBody() {
    return {
      type: PROBLEM_TYPE_BASE + this.code,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...this.extra,
    };
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.toBody()), {
      status: this.status,
      headers: { "content-type": "application/problem+json", ...this.headers },
    });
  }
}
