/**
 * RFC 6238 codes through the `otpauth` library (pure JavaScript HMAC, so it
 * runs on Workers): a fresh secret, its otpauth:// URI for authenticator
 * apps, and which time step a typed code belongs to. The step matters: the
 * store accepts each step once (two-factor-store.ts), which is what refuses
 * a replayed code.
 */
import { Secret, TOTP } from "otpauth";
import { TOTP_DIGITS, TOTP_ISSUER, TOTP_PERIOD_SECONDS, TOTP_WINDOW_STEPS } from "../constants";

/** A new 160-bit secret (RFC 4226's recommended size), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = ""): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

export function otpauthUri(secret: string, accountLabel: string): string {
  return totp(secret, accountLabel).toString();
}

/** The time step `code` is valid for (now, or one step either side), or null when it is valid for none. */
export function stepOfCode(secret: string, code: string, nowMs = Date.now()): number | null {
  const generator = totp(secret);
  const delta = generator.validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW_STEPS });
  if (delta === null) return null;
  return generator.counter({ timestamp: nowMs }) + delta;
}
