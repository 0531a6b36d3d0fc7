/**
 * Fixed-window counters of failed sign-ins, one Durable Object per subject
 * (a username's blind index, or a keyed hash of a client address). Nothing in
 * it is a plaintext address or name, and an alarm wipes it when the window
 * closes, so the limiter keeps nothing beyond its window.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

interface Window {
  count: number;
  resetAt: number;
}

export interface Limit {
  /** Which counter in this object (e.g. "all", or "client:<hash>"). */
  key: string;
  max: number;
}

export class LoginThrottle extends DurableObject<Env> {
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
      for (const limit of limits) {
        const window = await this.ctx.storage.get<Window>(limit.key);
        const fresh = !window || window.resetAt <= nowMs;
        await this.ctx.storage.put<Window>(limit.key, {
          count: fresh ? 1 : window.count + 1,
          resetAt: fresh ? nowMs + windowMs : window.resetAt,
        });
      }
      const alarm = await this.ctx.storage.getAlarm();
      if (alarm === null) await this.ctx.storage.setAlarm(nowMs + windowMs);
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
}
