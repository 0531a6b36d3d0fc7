/**
 * Rate limits on sending email, kept in the RateLimiter Durable Object's
 * generic fixed-window counters under names of our own: resending the
 * verification link (per account: one a minute, five a day), and asking for
 * a reset or deletion link (per address's blind index together with the
 * client's keyed hash, per address, and per client; a signed-in owner asking
 * for their own address only per account), and changing the address (per account: the messages a change
 * sends). Over a limit: 429 rate_limited with Retry-After.
 *
 * Check, count, check again: a request is let through only if the counters
 * still allow it after its own count, so concurrent requests can be refused
 * together but never let through beyond the limit. A refused request does
 * not use up the allowance.
 */
import {
  EMAIL_CHANGE_WINDOW_MS,
  EMAIL_CHANGES_PER_ACCOUNT,
  LINK_REQUEST_WINDOW_MS,
  LINK_REQUESTS_PER_ADDRESS,
  LINK_REQUESTS_PER_ADDRESS_AND_CLIENT,
  LINK_REQUESTS_PER_CLIENT,
  OWNER_LINK_REQUESTS,
  RESEND_MAX_PER_DAY,
  RESEND_MAX_PER_MINUTE,
} from "../constants";
import type { AppContext } from "../context";
import { Problem } from "../problem";
import { type Limit, type LimiterSubject, type RateLimiter, rateLimiter } from "../throttle/rate-limiter";

interface WindowedLimit extends Limit {
  windowMs: number;
}

interface Counter {
  object: DurableObjectStub<RateLimiter>;
  limits: WindowedLimit[];
}

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function counter(ctx: AppContext, subject: LimiterSubject, id: string, limits: WindowedLimit[]): Counter {
  return { object: rateLimiter(ctx, subject, id), limits };
}

async function wait(counters: Counter[], nowMs: number, headroom: number): Promise<number> {
  const waits = await Promise.all(
    counters.map((c) =>
      c.object.retryAfter(
        c.limits.map(({ key, max }) => ({ key, max: max + headroom })),
        nowMs,
      ),
    ),
  );
  return Math.max(0, ...waits);
}

async function take(counters: Counter[], what: string, nowMs: number): Promise<void> {
  let seconds = await wait(counters, nowMs, 0);
  if (seconds === 0) {
    await Promise.all(
      counters.flatMap((c) => c.limits.map(({ key, max, windowMs }) => c.object.recordFailure([{ key, max }], nowMs, windowMs))),
    );
    seconds = await wait(counters, nowMs, 1);
  }
  if (seconds > 0) {
    throw new Problem(
      "rate_limited",
      `Too many ${what}. Try again in ${seconds} seconds.`,
      { retryAfter: seconds },
      { "retry-after": String(seconds) },
    );
  }
}

export function takeResend(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<void> {
  return take(
    [
      counter(ctx, "resend", accountId, [
        { key: "minute", max: RESEND_MAX_PER_MINUTE, windowMs: MINUTE_MS },
        { key: "day", max: RESEND_MAX_PER_DAY, windowMs: DAY_MS },
      ]),
    ],
    "verification messages",
    nowMs,
  );
}

export function takeLinkRequest(ctx: AppContext, emailIndex: string, clientHash: string, nowMs = Date.now()): Promise<void> {
  return take(
    [
      // Strangers on other networks cannot use up what this client may ask for this address (issue 20, item 8).
      counter(ctx, "email", emailIndex, [
        { key: `links:${clientHash}`, max: LINK_REQUESTS_PER_ADDRESS_AND_CLIENT, windowMs: LINK_REQUEST_WINDOW_MS },
        { key: "links", max: LINK_REQUESTS_PER_ADDRESS, windowMs: LINK_REQUEST_WINDOW_MS },
      ]),
      counter(ctx, "client", clientHash, [{ key: "email-links", max: LINK_REQUESTS_PER_CLIENT, windowMs: LINK_REQUEST_WINDOW_MS }]),
    ],
    "requests for email links",
    nowMs,
  );
}

/** A signed-in owner asking for a link to their own address: their own allowance, apart from every stranger's. */
export function takeOwnerLinkRequest(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<void> {
  return take(
    [counter(ctx, "resend", accountId, [{ key: "owner-links", max: OWNER_LINK_REQUESTS, windowMs: LINK_REQUEST_WINDOW_MS }])],
    "requests for email links",
    nowMs,
  );
}

/** An address change, counted in the account's resend object (erasure wipes it) under its own key. */
export function takeEmailChange(ctx: AppContext, accountId: string, nowMs = Date.now()): Promise<void> {
  return take(
    [counter(ctx, "resend", accountId, [{ key: "email-change", max: EMAIL_CHANGES_PER_ACCOUNT, windowMs: EMAIL_CHANGE_WINDOW_MS }])],
    "email address changes",
    nowMs,
  );
}
