/**
 * Every error code and connection reason → the locale key of a plain-language
 * sentence that names the cause. The mapping is total over the known codes
 * (checked by the type system and a test), so no code ever shows as raw text.
 */
import type { ProblemCode } from "@cargo-vpn/shared/problems";
import type { Reason } from "../connection/state-machine";
import type { MessageKey } from "./i18n";

const KEYS: Record<ProblemCode | Exclude<Reason, ProblemCode>, MessageKey> = {
  network: "errNetwork",
  unknown: "errUnknown",
  bad_response: "errBadResponse",
  invalid_credentials: "errInvalidCredentials",
  unauthorized: "errUnauthorized",
  device_limit: "errDeviceLimit",
  username_taken: "errUsernameTaken",
  email_taken: "errEmailTaken",
  age_requirement: "errAgeRequirement",
  rate_limited: "errRateLimited",
  validation_failed: "errValidation",
  not_found: "errNotFound",
  session_ended: "errSessionEnded",
  too_many_sessions: "errTooManySessions",
  telemetry_disabled: "errTelemetryDisabled",
  forbidden: "errForbidden",
  email_unverified: "errEmailUnverified",
  invalid_token: "errInvalidToken",
  already_subscribed: "errAlreadySubscribed",
  checkout_open: "errCheckoutOpen",
  internal: "errServer",
  unavailable: "errServer",
  // These mean the extension built a bad request: not something the user can fix by retyping.
  malformed_json: "errClient",
  payload_too_large: "errClient",
  unsupported_media_type: "errClient",
  method_not_allowed: "errClient",
  proxy_controlled_by_other: "errProxyControlled",
  gateway_unreachable: "errGatewayUnreachable",
  credentials_expired: "errCredentialsExpired",
  // two-factor sign-in (issue 18)
  second_factor_required: "errSecondFactorRequired",
  invalid_code: "errInvalidCode",
  invalid_challenge: "errInvalidChallenge",
  second_factor_pending: "errSecondFactorPending",
  invalid_passkey: "errInvalidPasskey",
  invalid_ticket: "errInvalidTicket",
  two_factor_enabled: "errTwoFactorEnabled",
  two_factor_not_enabled: "errTwoFactorNotEnabled",
  username_mismatch: "errUsernameMismatch",
};

export function errorMessageKey(code: string): MessageKey {
  // Own keys only: a server code such as "constructor" must not reach Object.prototype.
  return Object.hasOwn(KEYS, code) ? (KEYS as Record<string, MessageKey>)[code]! : "errUnknown";
}

export const ERROR_CODES = Object.keys(KEYS);
