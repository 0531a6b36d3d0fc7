/**
 * When to renew proxy credentials and how long to wait after a failure.
 * Pure functions of the clock and a random number, so tests pin both.
 */
import { BACKOFF_MS, MIN_RENEW_DELAY_MS, RENEW_AT_FRACTION, RENEW_JITTER_FRACTION } from "../config";

/** Safety margin: a renewal scheduled later than this before expiry is pointless. */
const LATEST_BEFORE_EXPIRY_MS = 10_000;

/**
 * Epoch ms at which to renew credentials that expire at `expiresAt`: 80–90% of
 * the remaining lifetime, never sooner than the alarm floor, never after expiry.
 */
export function renewAt(now: number, expiresAt: number, random: number): number {
  const lifetime = Math.max(0, expiresAt - now);
  const fraction = RENEW_AT_FRACTION + RENEW_JITTER_FRACTION * random;
  const latest = Math.max(now, expiresAt - LATEST_BEFORE_EXPIRY_MS);
  return Math.min(now + Math.max(MIN_RENEW_DELAY_MS, lifetime * fraction), latest);
}

/** Delay before retry number `attempt` (0-based), with up to 20% jitter. */
export function backoffDelay(attempt: number, random: number): number {
  const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? BACKOFF_MS[BACKOFF_MS.length - 1]!;
  return Math.round(base * (1 + 0.2 * random));
}
