/**
 * The per-account limit on wrong second-factor codes, kept in the existing
 * RateLimiter Durable Object (one object per account, named by its id):
 * every wrong, reused or expired code counts, and once the window holds
 * MAX_CODE_FAILURES_PER_ACCOUNT of them every code is refused with 429 until
 * it closes, so six digits cannot be guessed by trying.
 */
import { CODE_FAILURE_WINDOW_MS, MAX_CODE_FAILURES_PER_ACCOUNT } from "../config";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import type { Limit } from "../throttle/rate-limiter";

const LIMITS: Limit[] = [{ key: "codes", max: MAX_CODE_FAILURES_PER_ACCOUNT }];

/** The RateLimiter object's name for an account's code failures (erasure wipes it). */
export const codeLimiterName = (accountId: string) => `second-factor:${accountId}`;

function limiter(ctx: AppContext, accountId: string) {
  return ctx.env.RATE_LIMITER.get(ctx.env.RATE_LIMITER.idFromName(codeLimiterName(accountId)));
}

export async function assertCodesNotThrottled(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<void> {
  const wait = await limiter(ctx, accountId).retryAfter(LIMITS, nowMs);
  if (wait > 0) {
    throw new Problem(
      "rate_limited",
      `Too many wrong codes. Try again in ${wait} seconds.`,
      { retryAfter: wait },
      { "retry-after": String(wait) },
    );
  }
}

/** Counts the failure and returns the problem to throw. */
export async function codeRefused(ctx: AppContext, accountId: string, detail: string, nowMs = Date.now()): Promise<Problem> {
  await limiter(ctx, accountId).recordFailure(LIMITS, nowMs, CODE_FAILURE_WINDOW_MS);
  return new Problem("invalid_code", detail);
}
