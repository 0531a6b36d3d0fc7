/**
 * Per-client ceilings on the unauthenticated routes that answer something
 * about an account (prelogin, registration): each call that passed validation
 * is counted against the caller's address, kept only as a keyed hash in the
 * same RateLimiter object as its sign-in failures. Over the ceiling →
 * 429 rate_limited with Retry-After, and the call does nothing.
 *
 *   await limitClient(ctx, "register", clientAddress(c.req.header("cf-connecting-ip")));
 */
import { MAX_PRELOGINS_PER_CLIENT, MAX_REGISTRATIONS_PER_CLIENT, PRELOGIN_WINDOW_MS, REGISTRATION_WINDOW_MS } from "../constants";
import type { AppContext } from "../context";
import { clientHash } from "../crypto/keyed-hash";
import { Problem } from "../problem";
import { rateLimiter } from "./rate-limiter";

const CEILINGS = {
  prelogin: { max: MAX_PRELOGINS_PER_CLIENT, windowMs: PRELOGIN_WINDOW_MS, what: "sign-in lookups" },
  register: { max: MAX_REGISTRATIONS_PER_CLIENT, windowMs: REGISTRATION_WINDOW_MS, what: "registrations" },
} as const;

export type ClientAction = keyof typeof CEILINGS;

export async function limitClient(ctx: AppContext, action: ClientAction, address: string, nowMs = Date.now()): Promise<void> {
  const keys = await ctx.keys();
  const ceiling = CEILINGS[action];
  const throttle = rateLimiter(ctx, "client", await clientHash(keys.index, address));
  const wait = await throttle.consume([{ key: action, max: ceiling.max }], nowMs, ceiling.windowMs);
  if (wait > 0) {
    throw new Problem(
      "rate_limited",
      `Too many ${ceiling.what} from this network. Try again in ${wait} seconds.`,
      { retryAfter: wait },
      { "retry-after": String(wait) },
    );
  }
}
