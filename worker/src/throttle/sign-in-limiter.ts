/**
 * The sign-in rate limit: failures are counted per username from one client,
 * per client across usernames, and per username overall (a high ceiling, so an
 * attacker elsewhere cannot lock the owner out from their own client).
 */
import { MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USER, MAX_FAILURES_PER_USER_AND_CLIENT, THROTTLE_WINDOW_MS } from "../config";
import type { Env } from "../env";
import { Problem } from "../http/problem";
import type { Limit } from "./login-throttle";

export interface SignInSubject {
  usernameIndex: string;
  clientHash: string;
}

function plan(env: Env, subject: SignInSubject) {
  const user = env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.idFromName(`user:${subject.usernameIndex}`));
  const client = env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.idFromName(`client:${subject.clientHash}`));
  const userLimits: Limit[] = [
    { key: `client:${subject.clientHash}`, max: MAX_FAILURES_PER_USER_AND_CLIENT },
    { key: "all", max: MAX_FAILURES_PER_USER },
  ];
  const clientLimits: Limit[] = [{ key: "all", max: MAX_FAILURES_PER_CLIENT }];
  return { user, client, userLimits, clientLimits };
}

/** Throws 429 rate_limited with Retry-After while any of the subject's limits is exhausted. */
export async function assertNotThrottled(env: Env, subject: SignInSubject, nowMs = Date.now()): Promise<void> {
  const { user, client, userLimits, clientLimits } = plan(env, subject);
  const [a, b] = await Promise.all([user.retryAfter(userLimits, nowMs), client.retryAfter(clientLimits, nowMs)]);
  const wait = Math.max(a, b);
  if (wait > 0) {
    throw new Problem(
      "rate_limited",
      `Too many failed sign-ins. Try again in ${wait} seconds.`,
      { retryAfter: wait },
      { "retry-after": String(wait) },
    );
  }
}

export async function recordSignInFailure(env: Env, subject: SignInSubject, nowMs = Date.now()): Promise<void> {
  const { user, client, userLimits, clientLimits } = plan(env, subject);
  await Promise.all([
    user.recordFailure(userLimits, nowMs, THROTTLE_WINDOW_MS),
    client.recordFailure(clientLimits, nowMs, THROTTLE_WINDOW_MS),
  ]);
}
