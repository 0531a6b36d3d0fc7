/**
 * Ending tunnel sessions when a device goes away (sign-out, device removal,
 * refresh-token reuse). Gateways learn of ended sessions on their heartbeat.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { tunnelSessions } from "../db/schema";

export async function endDeviceSessions(db: Db, accountId: string, deviceId: string, nowMs = Date.now()): Promise<void> {
  await db
    .update(tunnelSessions)
    .set({ endedAt: nowMs })
    .where(and(eq(tunnelSessions.accountId, accountId), eq(tunnelSessions.deviceId, deviceId), isNull(tunnelSessions.endedAt)));
}
