/**
 * Devices after a plan went down (issue 20, item 6). Going down signs nobody
 * out at once: the account gets a grace period (DOWNGRADE_GRACE_DAYS, 7 by
 * default, told in the plan-change mail), stored as
 * `accounts.downgrade_grace_until`. When it has passed, the cron trigger
 * keeps the most recently used devices within the plan's limit and signs the
 * others out (sign-in and refresh tokens revoked, tunnel sessions ended so
 * gateways drop them at their next heartbeat, slots freed). Going up again
 * during the grace ends it with nothing signed out.
 */
import { and, eq, isNotNull, lte } from "drizzle-orm";
import type { AccountRow } from "../accounts/accounts";
import { DOWNGRADE_ENFORCEMENTS_PER_RUN, type PlanId, planFor } from "../constants";
import type { AppContext } from "../context";
import { accounts } from "../db/schema";
import { deviceSlots } from "../devices/device-slots";
import { keyRef, signOutDevice } from "../devices/devices";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What a plan change does to the grace: a time when the limit goes down, null
 * (none) when it goes up, undefined (leave it) when the limit stays.
 */
export function graceAfter(ctx: AppContext, from: string, to: PlanId, nowMs: number): number | null | undefined {
  const before = planFor(from).maxDevices;
  const after = planFor(to).maxDevices;
  if (after < before) return nowMs + ctx.settings.downgradeGraceDays * DAY_MS;
  if (after > before) return null;
  return undefined;
}

/** The devices an account keeps when its grace ends: the most recently used first (then the most recently signed in). */
function devicesToSignOut<T extends { lastSeenAt: number; registeredAt: number }>(devices: T[], maxDevices: number): T[] {
  return [...devices].sort((a, b) => b.lastSeenAt - a.lastSeenAt || b.registeredAt - a.registeredAt).slice(maxDevices);
}

/** Cron: applies every grace that has ended (a bounded number per run). Returns how many devices it signed out. */
export async function enforceEndedGraces(ctx: AppContext, nowMs: number): Promise<number> {
  const { db } = ctx;
  const due: AccountRow[] = await db
    .select()
    .from(accounts)
    .where(and(isNotNull(accounts.downgradeGraceUntil), lte(accounts.downgradeGraceUntil, nowMs)))
    .limit(DOWNGRADE_ENFORCEMENTS_PER_RUN)
    .all();
  let signedOut = 0;
  for (const row of due) {
    const devices = await deviceSlots(ctx, row.id).list(keyRef(row));
    for (const device of devicesToSignOut(devices, planFor(row.planId).maxDevices)) {
      if (await signOutDevice(ctx, row, device.id)) signedOut += 1;
    }
    // Only the grace that was read ends here: a new downgrade meanwhile set its own.
    await db
      .update(accounts)
      .set({ downgradeGraceUntil: null })
      .where(and(eq(accounts.id, row.id), eq(accounts.downgradeGraceUntil, row.downgradeGraceUntil!)));
  }
  return signedOut;
}
