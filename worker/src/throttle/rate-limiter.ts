/**
 * Rate-limit counters, one Durable Object per subject (a username's blind
 * index, a keyed hash of a client address, or any other opaque name a caller
 * picks). Nothing in it is a plaintext address or name, and an alarm wipes
 * each counter when its window closes, so the limiter keeps nothing beyond it.
 *
 * Two kinds of counter live side by side, each under its own key:
 * - fixed windows (`retryAfter`, `recordFailure`, `consume`): at most `max`
 *   events per window, then a wait until the window closes;
 * - back-off (`backoffRetryAfter`, `recordBackoffFailure`): a few free
 *   failures, then a wait after each further failure that doubles up to a cap,
 *   so nobody is ever locked out for long.
 */
import { DurableObject } from "cloudflare:workers";
import type { AppContext } from "../context";
import type { Env } from "../env";

interface Window {
  count: number;
  resetAt: number;
}

interface Backoff extends Window {
  lastAt: number;
}

export interface Limit {
  /** Which counter in this object (e.g. "all", or "client:<hash>"). */
  key: string;
  max: number;
}

export interface BackoffPolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The counter is forgotten this long after the last failure. */
  forgetAfterMs: number;
}

/** Milliseconds a back-off counter makes callers wait after its last failure. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.baseDelayMs * 2 ** doublings, policy.maxDelayMs);
}

export class RateLimiter extends DurableObject<Env> {
  /** Seconds until the first exhausted counter among `limits` resets; 0 when none is exhausted. */
  async retryAfter(limits: Limit[], nowMs: number): Promise<number> {
    let wait = 0;
    for (const limit of limits) {
      const window = await this.ctx.storage.get<Window>(limit.key);
      if (window && window.resetAt > nowMs && window.count >= limit.max) {
        wait = Math.max(wait, Math.ceil((window.resetAt - nowMs) / 1000));
      }
    }
    return wait;
  }

  async recordFailure(limits: Limit[], nowMs: number, windowMs: number): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      for (const limit of limits) await this.count(limit.key, nowMs, windowMs);
      await this.wakeBy(nowMs + windowMs);
    });
  }

  /**
   * Check and count in one step: 0 when every counter had room (each is then
   * counted), else the seconds until the exhausted one resets (nothing counted).
   */
  async consume(limits: Limit[], nowMs: number, windowMs: number): Promise<number> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const wait = await this.retryAfter(limits, nowMs);
      if (wait > 0) return wait;
      for (const limit of limits) await this.count(limit.key, nowMs, windowMs);
      await this.wakeBy(nowMs + windowMs);
      return 0;
    });
  }

  /**
   * Gives back one event `consume` counted (an attempt that turned out fine),
   * so a limit on attempts becomes a limit on failures that parallel requests
   * cannot overrun: each attempt is counted before it is tried.
   */
  async refund(limits: Limit[], nowMs: number): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      for (const limit of limits) {
        const window = await this.ctx.storage.get<Window>(limit.key);
        if (window && window.resetAt > nowMs && window.count > 0) {
          await this.ctx.storage.put<Window>(limit.key, { count: window.count - 1, resetAt: window.resetAt });
        }
      }
    });
  }

  /** Seconds until the back-off counter `key` lets the next attempt through; 0 when it does now. */
  async backoffRetryAfter(key: string, nowMs: number, policy: BackoffPolicy): Promise<number> {
    const state = await this.ctx.storage.get<Backoff>(key);
    if (!state || state.resetAt <= nowMs) return 0;
    const until = state.lastAt + backoffDelayMs(state.count, policy);
    return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
  }

  /**
   * `retryAfter(limits)` and `backoffRetryAfter(backoffKey)` in one call: a sign-in asks its username's
   * object both, and each call to an object is a round trip.
   */
  async waits(limits: Limit[], backoffKey: string, nowMs: number, policy: BackoffPolicy): Promise<{ window: number; backoff: number }> {
    const [window, backoff] = await Promise.all([this.retryAfter(limits, nowMs), this.backoffRetryAfter(backoffKey, nowMs, policy)]);
    return { window, backoff };
  }

  async recordBackoffFailure(key: string, nowMs: number, policy: BackoffPolicy): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      const state = await this.ctx.storage.get<Backoff>(key);
      const fresh = !state || state.resetAt <= nowMs;
      await this.ctx.storage.put<Backoff>(key, {
        count: fresh ? 1 : state.count + 1,
        lastAt: nowMs,
        resetAt: nowMs + policy.forgetAfterMs,
      });
      await this.wakeBy(nowMs + policy.forgetAfterMs);
    });
  }

  /** Forgets every counter (the account behind this username was erased). */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const windows = await this.ctx.storage.list<Window>();
    let next = Infinity;
    for (const [key, window] of windows) {
      if (window.resetAt <= now) await this.ctx.storage.delete(key);
      else next = Math.min(next, window.resetAt);
    }
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
  }

  private async count(key: string, nowMs: number, windowMs: number): Promise<void> {
    const window = await this.ctx.storage.get<Window>(key);
    const fresh = !window || window.resetAt <= nowMs;
    await this.ctx.storage.put<Window>(key, {
      count: fresh ? 1 : window.count + 1,
      resetAt: fresh ? nowMs + windowMs : window.resetAt,
    });
  }

  /** The alarm fires no later than `atMs`, so a short window is wiped when it closes even next to a longer one. */
  private async wakeBy(atMs: number): Promise<void> {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > atMs) await this.ctx.storage.setAlarm(atMs);
  }
}

/**
 * Whose counters one object holds. Every object is named `<subject>:<id>` here and nowhere else, so
 * erasure (accounts/erase.ts) reaches exactly the objects the limits wrote. `id` is always opaque: a
 * username's blind index (`user`), a keyed hash of a client address (`client`), an account id
 * (`resend`, `second-factor`) or an address's blind index (`email`).
 */
export type LimiterSubject = "user" | "client" | "resend" | "email" | "second-factor";

export function rateLimiter(ctx: Pick<AppContext, "env">, subject: LimiterSubject, id: string): DurableObjectStub<RateLimiter> {
  const { RATE_LIMITER } = ctx.env;
  return RATE_LIMITER.get(RATE_LIMITER.idFromName(`${subject}:${id}`));
}
