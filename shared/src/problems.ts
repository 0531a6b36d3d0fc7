/**
 * The error codes of docs/api.md with their HTTP status. Every error the API
 * answers is an RFC 9457 problem carrying one of these codes.
 */
export const PROBLEM_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_token: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  telemetry_disabled: 403,
  email_unverified: 403,
  not_found: 404,
  method_not_allowed: 405,
  username_taken: 409,
  email_taken: 409,
  device_limit: 409,
  session_ended: 409,
  too_many_sessions: 409,
  already_subscribed: 409,
  checkout_open: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  age_requirement: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  // two-factor sign-in (issue 18)
  second_factor_required: 401,
  invalid_code: 401,
  invalid_challenge: 401,
  two_factor_enabled: 409,
  two_factor_not_enabled: 409,
  // the username only its owner reads (issue 18 item 5)
  username_mismatch: 400,
  // passkeys as a second factor (issue 18 item 3)
  invalid_ticket: 401,
  invalid_passkey: 401,
  second_factor_pending: 401,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

export const PROBLEM_TYPE_BASE = "https://cargovpn.dev/problems/";

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  [extra: string]: unknown;
}

export function isProblemBody(value: unknown): value is ProblemBody {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ProblemBody).code === "string" &&
    typeof (value as ProblemBody).status === "number"
  );
}
