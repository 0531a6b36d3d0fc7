/**
 * Tunnel sessions: opening one on a location (one open session per device),
 * renewing its proxy credentials, ending it, and the usage history that is the
 * only activity record the service keeps.
 */
import type { ProxyCredentials, StartSessionResponse, UsageResponse, UsageSession } from "@cargo-vpn/shared";
import { fromBase64Url, toBase64Url } from "@cargo-vpn/shared";
import { and, desc, eq, gt, lt, or, sql } from "drizzle-orm";
import { MAX_SESSION_STARTS_PER_MINUTE, SESSION_STARTS_WINDOW_MS } from "../config";
import type { AppContext } from "../context";
import type { ServerKeys } from "../crypto/keys";
import { signProxyToken } from "../crypto/tokens";
import type { Db } from "../db/client";
import { tunnelSessions } from "../db/schema";
import type { AuthContext } from "../env";
import { gatewayById, isOnline } from "../gateways/gateways";
import { Problem } from "../problem";

type SessionRow = typeof tunnelSessions.$inferSelect;

export function usageView(row: SessionRow): UsageSession {
  return {
    id: row.id,
    startedAt: new Date(row.startedAt).toISOString(),
    endedAt: row.endedAt === null ? null : new Date(row.endedAt).toISOString(),
    bytesUp: row.bytesUp,
    bytesDown: row.bytesDown,
  };
}

async function credentials(keys: ServerKeys, ttlSeconds: number, row: { id: string; gatewayId: string }): Promise<ProxyCredentials> {
  const { token, expiresAt } = await signProxyToken(keys, row.id, row.gatewayId, ttlSeconds);
  return { username: row.id, password: token, expiresAt: expiresAt.toISOString() };
}

export async function startSession(
  ctx: AppContext,
  auth: AuthContext,
  locationId: string,
  nowMs = Date.now(),
): Promise<StartSessionResponse> {
  const { env, db } = ctx;
  const keys = await ctx.keys();
  const gateway = await gatewayById(db, locationId);
  if (!gateway) throw new Problem("not_found", "There is no location with that id. List them with GET /v1/locations.");
  if (!isOnline(gateway, nowMs))
    throw new Problem("unavailable", "That location is offline right now. Choose another one.", {}, { "retry-after": "30" });

  const id = crypto.randomUUID();
  // Ending the device's previous session and opening the new one commit together, and only
  // while the account is under its per-minute quota: checked inside both statements, so
  // concurrent starts cannot pass it together, and a refused start ends nothing.
  const room = `(SELECT COUNT(*) FROM tunnel_sessions WHERE account_id = ?1 AND started_at > ?3) < ?4`;
  const since = nowMs - SESSION_STARTS_WINDOW_MS;
  const [, inserted] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE tunnel_sessions SET ended_at = ?5 WHERE account_id = ?1 AND device_id = ?2 AND ended_at IS NULL AND ${room}`,
    ).bind(auth.accountId, auth.deviceId, since, MAX_SESSION_STARTS_PER_MINUTE, nowMs),
    env.DB.prepare(
      `INSERT INTO tunnel_sessions (id, account_id, device_id, gateway_id, started_at, last_activity_at)
       SELECT ?5, ?1, ?2, ?6, ?7, ?7 WHERE ${room}`,
    ).bind(auth.accountId, auth.deviceId, since, MAX_SESSION_STARTS_PER_MINUTE, id, gateway.id, nowMs),
  ]);
  if (!inserted?.meta.changes) await throwSessionQuota(db, auth.accountId, nowMs);
  return {
    session: { id, startedAt: new Date(nowMs).toISOString() },
    proxy: { scheme: gateway.scheme, host: gateway.host, port: gateway.port },
    credentials: await credentials(keys, ctx.settings.proxyCredentialTtlSeconds, { id, gatewayId: gateway.id }),
  };
}

async function throwSessionQuota(db: Db, accountId: string, nowMs: number): Promise<never> {
  const oldest = await db
    .select({ at: sql<number>`MIN(${tunnelSessions.startedAt})` })
    .from(tunnelSessions)
    .where(and(eq(tunnelSessions.accountId, accountId), gt(tunnelSessions.startedAt, nowMs - SESSION_STARTS_WINDOW_MS)))
    .get();
  const wait = Math.max(1, Math.ceil(((oldest?.at ?? nowMs) + SESSION_STARTS_WINDOW_MS - nowMs) / 1000));
  throw new Problem(
    "rate_limited",
    `This account started ${MAX_SESSION_STARTS_PER_MINUTE} tunnel sessions in the last minute. Try again in ${wait} seconds.`,
    { retryAfter: wait },
    { "retry-after": String(wait) },
  );
}

/** The caller's own session, or 404: another account's (or device's) session id reveals nothing. */
async function ownSession(db: Db, auth: AuthContext, id: string): Promise<SessionRow> {
  const row = await db
    .select()
    .from(tunnelSessions)
    .where(and(eq(tunnelSessions.id, id), eq(tunnelSessions.accountId, auth.accountId), eq(tunnelSessions.deviceId, auth.deviceId)))
    .get();
  if (!row) throw new Problem("not_found", "There is no tunnel session with that id on this device.");
  return row;
}

export async function renewSession(ctx: AppContext, auth: AuthContext, id: string): Promise<ProxyCredentials> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const row = await ownSession(db, auth, id);
  if (row.endedAt !== null) throw new Problem("session_ended", "This tunnel session has ended. Start a new one.");
  return credentials(keys, ctx.settings.proxyCredentialTtlSeconds, row);
}

export async function endSession(ctx: AppContext, auth: AuthContext, id: string, nowMs = Date.now()): Promise<UsageSession> {
  const { db } = ctx;
  await ownSession(db, auth, id);
  const [ended] = await db
    .update(tunnelSessions)
    .set({ endedAt: sql`coalesce(${tunnelSessions.endedAt}, ${nowMs})` })
    .where(eq(tunnelSessions.id, id))
    .returning();
  return usageView(ended!);
}

interface Cursor {
  startedAt: number;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return toBase64Url(new TextEncoder().encode(`${c.startedAt}:${c.id}`));
}

function decodeCursor(text: string): Cursor {
  try {
    const [startedAt, id] = new TextDecoder().decode(fromBase64Url(text)).split(":");
    if (!id || !/^\d+$/.test(startedAt ?? "")) throw new Error("shape");
    return { startedAt: Number(startedAt), id };
  } catch {
    throw new Problem("validation_failed", "cursor: not a cursor this API returned", {
      errors: [{ path: "cursor", message: "not a cursor this API returned" }],
    });
  }
}

export async function usageHistory(ctx: AppContext, accountId: string, limit: number, cursor?: string): Promise<UsageResponse> {
  const { db } = ctx;
  const after = cursor ? decodeCursor(cursor) : undefined;
  const page = await db
    .select()
    .from(tunnelSessions)
    .where(
      and(
        eq(tunnelSessions.accountId, accountId),
        after
          ? or(
              lt(tunnelSessions.startedAt, after.startedAt),
              and(eq(tunnelSessions.startedAt, after.startedAt), lt(tunnelSessions.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(tunnelSessions.startedAt), desc(tunnelSessions.id))
    .limit(limit + 1);
  const totals = await db
    .select({
      sessions: sql<number>`count(*)`,
      bytesUp: sql<number>`coalesce(sum(${tunnelSessions.bytesUp}), 0)`,
      bytesDown: sql<number>`coalesce(sum(${tunnelSessions.bytesDown}), 0)`,
    })
    .from(tunnelSessions)
    .where(eq(tunnelSessions.accountId, accountId))
    .get();
  const sessions = page.slice(0, limit);
  const last = sessions[sessions.length - 1];
  return {
    sessions: sessions.map(usageView),
    totals: { sessions: totals?.sessions ?? 0, bytesUp: totals?.bytesUp ?? 0, bytesDown: totals?.bytesDown ?? 0 },
    nextCursor: page.length > limit && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null,
  };
}
