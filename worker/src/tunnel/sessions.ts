/**
 * Tunnel sessions: opening one on a location (one open session per device and gateway),
 * renewing its proxy credentials, ending it, and the usage history that is the
 * only activity record the service keeps.
 */
import type { ProxyCredentials, StartSessionResponse, UsageResponse, UsageSession } from "@cargo-vpn/shared";
import { fromBase64Url, MAX_OPEN_SESSIONS_PER_DEVICE, toBase64Url } from "@cargo-vpn/shared";
import { and, desc, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import { MAX_SESSION_STARTS_PER_MINUTE, SESSION_STARTS_WINDOW_MS } from "../constants";
import type { AppContext } from "../context";
import type { ServerKeys } from "../crypto/keys";
import { type AccessClaims, signProxyToken } from "../crypto/tokens";
import type { Db } from "../db/client";
import { signIns, tunnelSessions } from "../db/schema";
import { liveSignIn, signInEnded } from "../http/authenticate";
import type { AuthContext } from "../auth/callers";
import { gatewayById, isOnline } from "../gateways/gateways";
import { Problem } from "../problem";
import { addLiveSql, liveJson, liveOf, liveUsage, withLive } from "../usage/live-usage";

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

/**
 * Opens a session on a location. A device holds at most one open session per gateway, and at most
 * MAX_OPEN_SESSIONS_PER_DEVICE in all: `alongside` keeps its sessions on other gateways open (the
 * extension's per-site locations) and replaces only the one on this gateway; without it every open
 * session of the device ends, as when the device had a single tunnel. Device slots count devices,
 * not sessions, and usage stays per session, so neither changes with how many a device holds.
 */
export async function startSession(
  ctx: AppContext,
  auth: AuthContext,
  locationId: string,
  nowMs = Date.now(),
  options: { alongside?: boolean } = {},
): Promise<StartSessionResponse> {
  const { env, db } = ctx;
  const keys = await ctx.keys();
  const gateway = await gatewayById(db, locationId);
  if (!gateway) throw new Problem("not_found", "There is no location with that id. List them with GET /v1/locations.");
  if (!isOnline(gateway, nowMs))
    throw new Problem("unavailable", "That location is offline right now. Choose another one.", {}, { "retry-after": "30" });

  const id = crypto.randomUUID();
  // Ending what this session replaces and opening it commit together, and only while the account is
  // under its per-minute quota and the device under its cap of open sessions: both are checked inside
  // both statements of one batch, so concurrent starts cannot pass them together, and a refused
  // start ends nothing. The cap counts the device's open sessions on *other* gateways (the one on
  // this gateway is replaced), which the UPDATE does not change, so both statements agree.
  const room = `(SELECT COUNT(*) FROM tunnel_sessions WHERE account_id = ?1 AND started_at > ?3) < ?4
    AND (SELECT COUNT(*) FROM tunnel_sessions WHERE account_id = ?1 AND device_id = ?2 AND ended_at IS NULL AND gateway_id <> ?6) < ?8`;
  const since = nowMs - SESSION_STARTS_WINDOW_MS;
  const replaces = options.alongside ? "AND gateway_id = ?6" : "";
  const cap = options.alongside ? MAX_OPEN_SESSIONS_PER_DEVICE : Number.MAX_SAFE_INTEGER;
  const [, inserted] = await env.DB.batch<{ id: string }>([
    env.DB.prepare(
      `UPDATE tunnel_sessions SET ended_at = ?7 WHERE account_id = ?1 AND device_id = ?2 AND ended_at IS NULL ${replaces} AND ${room} RETURNING id`,
    ).bind(auth.accountId, auth.deviceId, since, MAX_SESSION_STARTS_PER_MINUTE, id, gateway.id, nowMs, cap),
    env.DB.prepare(
      `INSERT INTO tunnel_sessions (id, account_id, device_id, gateway_id, started_at, last_activity_at)
       SELECT ?5, ?1, ?2, ?6, ?7, ?7 WHERE ${room}`,
    ).bind(auth.accountId, auth.deviceId, since, MAX_SESSION_STARTS_PER_MINUTE, id, gateway.id, nowMs, cap),
  ]);
  if (!inserted?.meta.changes) {
    await throwTooManySessions(db, auth, gateway.id, cap);
    await throwSessionQuota(db, auth.accountId, nowMs);
  }
  return {
    session: { id, startedAt: new Date(nowMs).toISOString() },
    proxy: {
      scheme: gateway.scheme,
      host: gateway.host,
      port: gateway.port,
      ...(gateway.http1Port ? { http1Port: gateway.http1Port } : {}),
    },
    credentials: await credentials(keys, ctx.settings.proxyCredentialTtlSeconds, { id, gatewayId: gateway.id }),
  };
}

/** A start refused because the device is at its cap (rather than the account's per-minute quota). */
async function throwTooManySessions(db: Db, auth: AuthContext, gatewayId: string, cap: number): Promise<void> {
  const open = await db
    .select({ n: sql<number>`COUNT(*)` })
    .from(tunnelSessions)
    .where(
      and(
        eq(tunnelSessions.accountId, auth.accountId),
        eq(tunnelSessions.deviceId, auth.deviceId),
        isNull(tunnelSessions.endedAt),
        ne(tunnelSessions.gatewayId, gatewayId),
      ),
    )
    .get();
  if ((open?.n ?? 0) < cap) return;
  throw new Problem(
    "too_many_sessions",
    `This device already holds ${MAX_OPEN_SESSIONS_PER_DEVICE} open tunnel sessions, the most one device may hold. End one, or start this one without "alongside".`,
    { maxOpenSessions: MAX_OPEN_SESSIONS_PER_DEVICE },
  );
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

/**
 * New credentials for the caller's open session. `claims` come from a verified token whose sign-in is
 * proved live here, in the same query that finds the session (http/authenticate.ts `verifyTokenOnly`):
 * renewal runs every few minutes on every connected device, so it costs one D1 round trip.
 */
export async function renewSession(ctx: AppContext, claims: AccessClaims, id: string): Promise<ProxyCredentials> {
  const { db } = ctx;
  const [keys, found] = await Promise.all([
    ctx.keys(),
    db
      .select({ session: { id: tunnelSessions.id, gatewayId: tunnelSessions.gatewayId, endedAt: tunnelSessions.endedAt } })
      .from(signIns)
      .leftJoin(
        tunnelSessions,
        and(eq(tunnelSessions.id, id), eq(tunnelSessions.accountId, signIns.accountId), eq(tunnelSessions.deviceId, signIns.deviceId)),
      )
      .where(liveSignIn(claims))
      .get(),
  ]);
  if (!found) throw signInEnded();
  const row = found.session;
  if (!row) throw new Problem("not_found", "There is no tunnel session with that id on this device.");
  if (row.endedAt !== null) throw new Problem("session_ended", "This tunnel session has ended. Start a new one.");
  return credentials(keys, ctx.settings.proxyCredentialTtlSeconds, row);
}

export async function endSession(ctx: AppContext, auth: AuthContext, id: string, nowMs = Date.now()): Promise<UsageSession> {
  const { db } = ctx;
  const own = await ownSession(db, auth, id);
  await db
    .update(tunnelSessions)
    .set({ endedAt: sql`coalesce(${tunnelSessions.endedAt}, ${nowMs})` })
    .where(eq(tunnelSessions.id, id));
  // Its last bytes reach D1 at its intake's next fold (which counts ended sessions too); the answer shows them now.
  const live = await liveOf(ctx, [own]);
  const ended = await ownSession(db, auth, id);
  return withLive(usageView(ended), ended.usageFold, live);
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
  const { db, env } = ctx;
  const after = cursor ? decodeCursor(cursor) : undefined;
  const live = await liveUsage(ctx, accountId);
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
  // Each session counts D1's totals plus what its gateway's intake holds (usage/live-usage.ts); sessions
  // past their retention count through their per-day totals (usage/retention.ts).
  const totals = await env.DB.prepare(
    `SELECT s.sessions + d.sessions AS sessions, s.up + d.up AS bytesUp, s.down + d.down AS bytesDown
       FROM (SELECT count(*) AS sessions, coalesce(sum(${addLiveSql("up")}), 0) AS up, coalesce(sum(${addLiveSql("down")}), 0) AS down
               FROM tunnel_sessions t
               LEFT JOIN json_each(?2) AS l ON json_extract(l.value, '$[0]') = t.id
              WHERE t.account_id = ?1) AS s,
            (SELECT coalesce(sum(sessions), 0) AS sessions, coalesce(sum(bytes_up), 0) AS up, coalesce(sum(bytes_down), 0) AS down
               FROM usage_days WHERE account_id = ?1) AS d`,
  )
    .bind(accountId, liveJson(live))
    .first<{ sessions: number; bytesUp: number; bytesDown: number }>();
  const sessions = page.slice(0, limit);
  const last = sessions[sessions.length - 1];
  return {
    sessions: sessions.map((row) => withLive(usageView(row), row.usageFold, live)),
    totals: { sessions: totals?.sessions ?? 0, bytesUp: totals?.bytesUp ?? 0, bytesDown: totals?.bytesDown ?? 0 },
    nextCursor: page.length > limit && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null,
  };
}
