/**
 * Ending tunnel sessions when a device goes away (sign-out, device removal,
 * refresh-token reuse). Gateways learn of ended sessions on their heartbeat;
 * the sessions' totals go from the account's usage ledger to D1 at once.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { AppContext } from "../context";
import { tunnelSessions } from "../db/schema";
import { usageLedger } from "../usage/usage-ledger";

export async function endDeviceSessions(ctx: AppContext, accountId: string, deviceId: string, nowMs = Date.now()): Promise<void> {
  const ended = await ctx.db
    .update(tunnelSessions)
    .set({ endedAt: nowMs })
    .where(and(eq(tunnelSessions.accountId, accountId), eq(tunnelSessions.deviceId, deviceId), isNull(tunnelSessions.endedAt)))
    .returning({ id: tunnelSessions.id });
  if (ended.length > 0) await usageLedger(ctx, accountId).ended(ended.map((s) => s.id));
}
