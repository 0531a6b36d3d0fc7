/**
 * A signed-in device as the API shows it, and signing a device out: its
 * sign-in (and with it every refresh token and access token) is revoked, its
 * tunnel session ends and its slot is freed.
 */
import type { Device } from "@cargo-vpn/shared";
import { and, eq } from "drizzle-orm";
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import { signIns } from "../db/schema";
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
    current: device.id === currentDeviceId,
  };
}

/** Signs a device out everywhere. Returns false when the device held no slot. */
export async function signOutDevice(ctx: AppContext, row: AccountRow, deviceId: string): Promise<boolean> {
  const { db } = ctx;
  await db.delete(signIns).where(and(eq(signIns.accountId, row.id), eq(signIns.deviceId, deviceId)));
  await endDeviceSessions(ctx, row.id, deviceId);
  return deviceSlots(ctx, row.id).release(keyRef(row), deviceId);
}
