/**
 * Ending tunnel sessions when a device goes away (sign-out, device removal,
 * refresh-token reuse). Gateways learn of ended sessions on their heartbeat;
 * the sessions' last bytes reach D1 at their intake's next fold.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { AppContext } from "../context";
import { tunnelSessions } from "../db/schema";

export async function endDeviceSessions(ctx: AppContext, accountId: string, deviceId: string, nowMs = Date.now()): Promise<void> {
  await ctx.db
    .update(tunnelSessions)
    .set({ endedAt: nowMs })
    .where(and(eq(tunnelSessions.accountId, accountId), eq(tunnelSessions.deviceId, deviceId), isNull(tunnelSessions.endedAt)));
}
