/**
 * Gateways as the API knows them: each is a location users can
 * pick, authenticates with its own secret (stored only as a hash), and reports
 * its load on every heartbeat.
 */
import { type Location, MAX_HEARTBEAT_SESSIONS } from "@cargo-vpn/shared";
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import { GATEWAY_OFFLINE_AFTER_MS, REVOCATION_HORIZON_MS } from "../constants";
import type { AppContext } from "../context";
import type { Db } from "../db/client";
import { gateways, tunnelSessions } from "../db/schema";

export type GatewayRow = typeof gateways.$inferSelect;

export async function gatewayById(db: Db, id: string): Promise<GatewayRow | undefined> {
  return db.select().from(gateways).where(eq(gateways.id, id)).get();
}

export function isOnline(row: GatewayRow, nowMs = Date.now()): boolean {
  return row.lastHeartbeatAt !== null && nowMs - row.lastHeartbeatAt <= GATEWAY_OFFLINE_AFTER_MS;
}

/** The gateway's own `GET /ping` (gateway/src/proxy/ping.ts), on the listener browsers use. */
function pingUrl(row: GatewayRow): string {
  const host = row.host.includes(":") ? `[${row.host}]` : row.host;
  return `${row.scheme}://${host}:${row.port}/ping`;
}

function locationView(row: GatewayRow, nowMs = Date.now()): Location {
  return { id: row.id, name: row.name, country: row.country, load: row.load, online: isOnline(row, nowMs), pingUrl: pingUrl(row) };
}

export async function listLocations(ctx: AppContext): Promise<Location[]> {
  const { db } = ctx;
  const rows = await db.select().from(gateways).orderBy(asc(gateways.country), asc(gateways.name));
  const now = Date.now();
  return rows.map((row) => locationView(row, now));
}

/**
 * Records the beat and answers which sessions the gateway must drop: those on
 * it that ended recently, and any it says it carries that is not open here
 * (which covers sessions erased together with their account).
 */
export async function heartbeat(
  ctx: AppContext,
  gatewayId: string,
  report: { activeSessions: number; load: number; sessions?: string[] | undefined },
  nowMs = Date.now(),
): Promise<string[]> {
  const { db } = ctx;
  await db
    .update(gateways)
    .set({ activeSessions: report.activeSessions, load: report.load, lastHeartbeatAt: nowMs })
    .where(eq(gateways.id, gatewayId));
  // Sessions the gateway says it carries come first: they are the ones it must drop. Then the
  // most recently ended, up to the same cap as the request's list, so the answer stays small.
  const revoked = new Set<string>();
  if (report.sessions?.length) {
    const gone = await db.all<{ value: string }>(sql`
      SELECT value FROM json_each(${JSON.stringify(report.sessions)})
       WHERE value NOT IN (SELECT id FROM tunnel_sessions WHERE gateway_id = ${gatewayId} AND ended_at IS NULL)`);
    for (const { value } of gone) revoked.add(value);
  }
  const room = MAX_HEARTBEAT_SESSIONS - revoked.size;
  if (room > 0) {
    const ended = await db
      .select({ id: tunnelSessions.id })
      .from(tunnelSessions)
      .where(and(eq(tunnelSessions.gatewayId, gatewayId), gte(tunnelSessions.endedAt, nowMs - REVOCATION_HORIZON_MS)))
      .orderBy(desc(tunnelSessions.endedAt))
      .limit(room);
    for (const { id } of ended) revoked.add(id);
  }
  return [...revoked].slice(0, MAX_HEARTBEAT_SESSIONS);
}
