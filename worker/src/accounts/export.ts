/** Everything the service holds about an account, decrypted for its owner (GET /v1/me/export). */
import { desc, eq } from "drizzle-orm";
import type { AppContext } from "../context";
import { planChanges, tunnelSessions } from "../db/schema";
import { deviceSlots } from "../devices/device-slots";
import { deviceView, keyRef } from "../devices/devices";
import { telemetryOf } from "../telemetry/telemetry";
import { usageView } from "../tunnel/sessions";
import { twoFactorStatus } from "../two-factor/enrolment";
import { liveUsage, withLive } from "../usage/live-usage";
import { usageDaysOf } from "../usage/retention";
import type { AccountRow } from "./accounts";
import { accountView } from "./account-view";
import { billingRowOf } from "../billing/subscription-store";

export async function exportAccount(ctx: AppContext, row: AccountRow, currentDeviceId: string) {
  const { db } = ctx;
  const keys = await ctx.keys();
  // What the intakes hold is read before the session rows it adds to (usage/live-usage.ts).
  const live = await liveUsage(ctx, row.id);
  const [account, devices, sessions, days, telemetry, changes, twoFactor] = await Promise.all([
    billingRowOf(db, row.id).then((billing) => accountView(keys, row, billing ?? null)),
    deviceSlots(ctx, row.id).list(keyRef(row)),
    db.select().from(tunnelSessions).where(eq(tunnelSessions.accountId, row.id)).orderBy(desc(tunnelSessions.startedAt)),
    usageDaysOf(db, row.id),
    telemetryOf(db, row.id),
    db.select().from(planChanges).where(eq(planChanges.accountId, row.id)).orderBy(desc(planChanges.changedAt)),
    twoFactorStatus(ctx, row),
  ]);
  return {
    account,
    devices: devices.map((d) => deviceView(d, currentDeviceId)),
    sessions: sessions.map((session) => withLive(usageView(session), session.usageFold, live)),
    usageDays: days,
    telemetry,
    planChanges: changes.map((c) => ({
      planId: c.planId,
      source: c.source,
      reason: c.reason,
      changedAt: new Date(c.changedAt).toISOString(),
    })),
    twoFactor,
  };
}
