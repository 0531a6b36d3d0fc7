/**
 * A signed-in device as the API shows it, and signing a device out: its
 * sign-in (and with it every refresh token and access token) is revoked, its
 * tunnel session ends and its slot is freed. Password changes and resets
 * and "sign out everywhere else" end every other device through the same
 * path (`signOutDevicesExcept`).
 */
import type { Device, SlotHolder } from "@cargo-vpn/shared";
import { and, eq } from "drizzle-orm";
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import { signIns, tunnelSessions } from "../db/schema";
import { endDeviceSessions } from "../tunnel/end-sessions";
import { deviceSlots, type AccountKeyRef, type StoredDevice } from "./device-slots";

export function keyRef(row: AccountRow): AccountKeyRef {
  return { accountId: row.id, wrappedKey: row.wrappedKey };
}

export function deviceView(device: StoredDevice, currentDeviceId: string | null): Device {
  return {
    id: device.id,
    kind: device.kind,
    label: device.label,
    registeredAt: new Date(device.registeredAt).toISOString(),
    lastSeenAt: new Date(device.lastSeenAt).toISOString(),
    lastActiveOn: new Date(device.lastSeenAt).toISOString().slice(0, 10),
    current: device.id === currentDeviceId,
  };
}

/** A slot as a refused sign-in shows it: by handle, never by device id. */
export function slotHolderView(device: StoredDevice, handle: string): SlotHolder {
  return {
    handle,
    kind: device.kind,
    label: device.label,
    registeredAt: new Date(device.registeredAt).toISOString(),
    lastActiveOn: new Date(device.lastSeenAt).toISOString().slice(0, 10),
  };
}

/** Signs a device out everywhere. Returns false when the device held no slot. */
export async function signOutDevice(ctx: AppContext, row: AccountRow, deviceId: string): Promise<boolean> {
  const { db } = ctx;
  await db.delete(signIns).where(and(eq(signIns.accountId, row.id), eq(signIns.deviceId, deviceId)));
  await endDeviceSessions(ctx, row.id, deviceId);
  return deviceSlots(ctx, row.id).release(keyRef(row), deviceId);
}

/**
 * Signs out every device of the account except `keepDeviceId` (null: every
 * device), including any that still has an open tunnel session without a
 * slot. Returns the ids of those that were signed in (held a slot or a sign-in).
 */
export async function signOutDevicesExcept(ctx: AppContext, row: AccountRow, keepDeviceId: string | null): Promise<string[]> {
  const { db } = ctx;
  const [slots, sessions, tunnels] = await Promise.all([
    deviceSlots(ctx, row.id).list(keyRef(row)),
    db.select({ deviceId: signIns.deviceId }).from(signIns).where(eq(signIns.accountId, row.id)),
    db.select({ deviceId: tunnelSessions.deviceId }).from(tunnelSessions).where(eq(tunnelSessions.accountId, row.id)),
  ]);
  const devices = new Set([...slots.map((d) => d.id), ...sessions.map((s) => s.deviceId), ...tunnels.map((t) => t.deviceId)]);
  if (keepDeviceId !== null) devices.delete(keepDeviceId);
  for (const deviceId of devices) await signOutDevice(ctx, row, deviceId);
  const signedIn = new Set([...slots.map((d) => d.id), ...sessions.map((s) => s.deviceId)]);
  return [...devices].filter((id) => signedIn.has(id));
}
