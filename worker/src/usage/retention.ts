/**
 * Bounded storage (docs/capacity.md, "Steady state"), run by the cron
 * trigger: ended sessions past USAGE_RETENTION_DAYS are folded into per-day
 * totals (usage_days) and deleted in one transaction, day totals go after
 * USAGE_DAY_RETENTION_DAYS, and refresh tokens are pruned to what reuse
 * detection needs: unexpired unused ones, used ones of the last day, and each
 * sign-in's latest used one.
 */
import type { UsageDay } from "@cargo-vpn/shared";
import { desc, eq } from "drizzle-orm";
import { DAY_MS, USAGE_DAY_RETENTION_DAYS, USED_REFRESH_TOKEN_RETENTION_MS } from "../constants";
import type { AppContext } from "../context";
import type { Db } from "../db/client";
import { usageDays } from "../db/schema";

export async function foldOldSessions(ctx: AppContext, nowMs: number): Promise<void> {
  const cutoff = nowMs - ctx.settings.usageRetentionDays * DAY_MS;
  const oldSessions = "FROM tunnel_sessions WHERE ended_at IS NOT NULL AND ended_at < ?1";
  await ctx.env.DB.batch([
    ctx.env.DB.prepare(
      `INSERT INTO usage_days (account_id, day, sessions, bytes_up, bytes_down)
       SELECT account_id, started_at / ${DAY_MS}, COUNT(*), SUM(bytes_up), SUM(bytes_down) ${oldSessions} GROUP BY 1, 2 ORDER BY 1, 2
       ON CONFLICT (account_id, day) DO UPDATE SET sessions = sessions + excluded.sessions,
         bytes_up = bytes_up + excluded.bytes_up, bytes_down = bytes_down + excluded.bytes_down`,
    ).bind(cutoff),
    ctx.env.DB.prepare(`DELETE ${oldSessions}`).bind(cutoff),
    ctx.env.DB.prepare("DELETE FROM usage_days WHERE day < ?1").bind(Math.floor((nowMs - USAGE_DAY_RETENTION_DAYS * DAY_MS) / DAY_MS)),
  ]);
}

/** The account's per-day totals as its export shows them, newest day first. */
export async function usageDaysOf(db: Db, accountId: string): Promise<UsageDay[]> {
  const rows = await db.select().from(usageDays).where(eq(usageDays.accountId, accountId)).orderBy(desc(usageDays.day));
  return rows.map((r) => ({
    day: new Date(r.day * DAY_MS).toISOString().slice(0, 10),
    sessions: r.sessions,
    bytesUp: r.bytesUp,
    bytesDown: r.bytesDown,
  }));
}

export async function pruneRefreshTokens(ctx: AppContext, nowMs: number): Promise<void> {
  await ctx.env.DB.batch([
    // An expired token opens nothing, used or not.
    ctx.env.DB.prepare("DELETE FROM refresh_tokens WHERE expires_at < ?1").bind(nowMs),
    ctx.env.DB.prepare(
      `DELETE FROM refresh_tokens WHERE used_at IS NOT NULL AND used_at < ?1
         AND EXISTS (SELECT 1 FROM refresh_tokens later
                      WHERE later.sign_in_id = refresh_tokens.sign_in_id AND later.used_at > refresh_tokens.used_at)`,
    ).bind(nowMs - USED_REFRESH_TOKEN_RETENTION_MS),
  ]);
}
