/**
 * The per-account limit on wrong second-factor codes, kept in the existing
 * RateLimiter Durable Object (one object per account, named by its id).
 * Every attempt is counted before its code is checked (one atomic step in
 * the object), and a right code gives its count back, so the window holds
 * the wrong, reused and expired codes only, and parallel requests cannot
 * try more than MAX_CODE_FAILURES_PER_ACCOUNT codes in it. Once it is full,
 * every code is refused with 429 until it closes.
 *
 *   await takeCodeAttempt(ctx, accountId);              // 429 when exhausted
 *   if (right) await codeAccepted(ctx, accountId); else throw codeRefused(detail);
 */
import { CODE_FAILURE_WINDOW_MS, MAX_CODE_FAILURES_PER_ACCOUNT } from "../constants";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import { type Limit, rateLimiter } from "../throttle/rate-limiter";

const LIMITS: Limit[] = [{ key: "codes", max: MAX_CODE_FAILURES_PER_ACCOUNT }];

/** The account's code failures (erasure wipes the object). */
const limiter = (ctx: AppContext, accountId: string) => rateLimiter(ctx, "second-factor", accountId);

export async function takeCodeAttempt(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<void> {
  const wait = await limiter(ctx, accountId).consume(LIMITS, nowMs, CODE_FAILURE_WINDOW_MS);
  if (wait > 0) {
    throw new Problem(
      "rate_limited",
      `Too many wrong codes. Try again in ${wait} seconds.`,
      { retryAfter: wait },
      { "retry-after": String(wait) },
    );
  }
}

/** A right code: its attempt does not count. */
export async function codeAccepted(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<void> {
  await limiter(ctx, accountId).refund(LIMITS, nowMs);
}

/** A wrong, reused or expired code (its attempt stays counted): the problem to throw. */
export function codeRefused(detail: string): Problem {
  return new Problem("invalid_code", detail);
}
