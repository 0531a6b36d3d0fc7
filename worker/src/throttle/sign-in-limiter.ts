/**
 * The sign-in rate limit. Failures are counted three ways:
 * - per username from one client (5 per 15 minutes) and per client across
 *   usernames (20 per 15 minutes): fixed windows that apply to every attempt;
 * - per username overall: a back-off (constants.ts USERNAME_BACKOFF) that grows
 *   from 1 s to at most 5 minutes, and that a device holding one of the
 *   account's slots skips, so attackers spread over many addresses can slow
 *   the owner's new devices down a little but never shut the owner out.
 *
 * Used by `proveAuthKey` (worker/src/auth/sign-in.ts): `signInWaits` (the
 * back-off part skipped when the device is known), then `recordSignInFailure`
 * on a wrong key.
 */
import { MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USER_AND_CLIENT, THROTTLE_WINDOW_MS, USERNAME_BACKOFF } from "../constants";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import { type Limit, rateLimiter } from "./rate-limiter";

export interface SignInSubject {
  usernameIndex: string;
  clientHash: string;
}

const BACKOFF_KEY = "backoff";

function plan(ctx: AppContext, subject: SignInSubject) {
  const user = rateLimiter(ctx, "user", subject.usernameIndex);
  const client = rateLimiter(ctx, "client", subject.clientHash);
  const userLimits: Limit[] = [{ key: `client:${subject.clientHash}`, max: MAX_FAILURES_PER_USER_AND_CLIENT }];
  const clientLimits: Limit[] = [{ key: "all", max: MAX_FAILURES_PER_CLIENT }];
  return { user, client, userLimits, clientLimits };
}

export function signInThrottled(wait: number): Problem {
  return new Problem(
    "rate_limited",
    `Too many failed sign-ins. Try again in ${wait} seconds.`,
    { retryAfter: wait },
    { "retry-after": String(wait) },
  );
}

/**
 * What the limits say before an attempt, from both objects at once: `throttled`, the seconds this
 * username from this client, or this client, must still wait (429 for everyone); `backoff`, the seconds
 * the username's back-off still asks a device without a slot to wait (0: it may try now).
 */
export async function signInWaits(
  ctx: AppContext,
  subject: SignInSubject,
  nowMs = Date.now(),
): Promise<{ throttled: number; backoff: number }> {
  const { user, client, userLimits, clientLimits } = plan(ctx, subject);
  const [userWaits, clientWait] = await Promise.all([
    user.waits(userLimits, BACKOFF_KEY, nowMs, USERNAME_BACKOFF),
    client.retryAfter(clientLimits, nowMs),
  ]);
  return { throttled: Math.max(userWaits.window, clientWait), backoff: userWaits.backoff };
}

export async function recordSignInFailure(ctx: AppContext, subject: SignInSubject, nowMs = Date.now()): Promise<void> {
  const { user, client, userLimits, clientLimits } = plan(ctx, subject);
  await Promise.all([
    user.recordFailure(userLimits, nowMs, THROTTLE_WINDOW_MS),
    user.recordBackoffFailure(BACKOFF_KEY, nowMs, USERNAME_BACKOFF),
    client.recordFailure(clientLimits, nowMs, THROTTLE_WINDOW_MS),
  ]);
}
