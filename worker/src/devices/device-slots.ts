/**
 * One Durable Object per account: the record of which devices hold the
 * account's slots. The record is AES-256-GCM encrypted with the account's data
 * key, and every change runs inside blockConcurrencyWhile, so parallel sign-ins
 * are decided one at a time and can never exceed the plan's limit.
 *
 * A slot is bound to its device's secret (issue 20 item 4): only the SHA-256
 * of it is kept, inside the sealed record, and a claim naming the slot's id
 * keeps the slot only with the matching secret. Anything else is a new device
 * under a fresh id, so a device id learnt somewhere signs nobody out. Slots
 * from before device secrets have no hash; `bindSecret` (from an
 * authenticated refresh) gives them one, and until then no sign-in reuses them.
 *
 * Reach it only through its methods, via `deviceSlots(ctx, accountId)`.
 */
import { DurableObject } from "cloudflare:workers";
import type { DeviceKind } from "@cargo-vpn/shared";
import type { AppContext } from "../context";
import { decryptField, encryptField, unwrapDataKey } from "../crypto/envelope";
import { serverKeys } from "../crypto/keys";
import { LAST_SEEN_RESOLUTION_MS } from "../constants";
import type { Env } from "../env";
import { constantTimeEqual } from "../crypto/constant-time";

export interface StoredDevice {
  id: string;
  kind: DeviceKind;
  label: string;
  registeredAt: number;
  lastSeenAt: number;
  /** SHA-256 of the device's secret (base64url); absent on slots taken before device secrets. */
  secretHash?: string;
}

/** Whether the slot is bound to `secretHash`, compared in constant time; an unbound slot matches nothing. */
export function slotMatches(device: StoredDevice, secretHash: string | null): boolean {
  return device.secretHash !== undefined && secretHash !== null && constantTimeEqual(device.secretHash, secretHash);
}

/** What the object needs to read its record: the account id and its wrapped data key. */
export interface AccountKeyRef {
  accountId: string;
  wrappedKey: string;
}

export type ClaimResult = { ok: true; device: StoredDevice } | { ok: false; devices: StoredDevice[] };

const RECORD = "devices";

export class DeviceSlots extends DurableObject<Env> {
  /**
   * Let a device in: it keeps its slot when it proves the slot's secret, else takes a free one if the plan
   * allows, under a fresh id when its id is (or just was) another slot's. `secretHash` null: a device that
   * sent no secret, which can never reuse a slot and gets an unbound one.
   */
  async claim(
    ref: AccountKeyRef,
    device: { id: string; kind: DeviceKind; label: string },
    secretHash: string | null,
    maxDevices: number,
    nowMs: number,
    replaceDeviceId?: string,
  ): Promise<ClaimResult> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const stored = await this.read(ref);
      const existing = stored.find((d) => d.id === device.id);
      if (existing && slotMatches(existing, secretHash)) {
        // A device signing in again as it was, within the resolution of lastSeenAt (as `touch`), changes
        // nothing worth a write: the answer still says it was seen now.
        const unchanged =
          existing.kind === device.kind && existing.label === device.label && nowMs - existing.lastSeenAt < LAST_SEEN_RESOLUTION_MS;
        if (unchanged) return { ok: true, device: { ...existing, lastSeenAt: nowMs } };
        existing.kind = device.kind;
        existing.label = device.label;
        existing.lastSeenAt = nowMs;
        await this.write(ref, stored);
        return { ok: true, device: existing };
      }
      const devices = replaceDeviceId ? stored.filter((d) => d.id !== replaceDeviceId) : stored;
      if (devices.length >= maxDevices) return { ok: false, devices };
      const id = existing ? crypto.randomUUID() : device.id;
      const added: StoredDevice = {
        id,
        kind: device.kind,
        label: device.label,
        registeredAt: nowMs,
        lastSeenAt: nowMs,
        ...(secretHash ? { secretHash } : {}),
      };
      devices.push(added);
      await this.write(ref, devices);
      return { ok: true, device: added };
    });
  }

  async list(ref: AccountKeyRef): Promise<StoredDevice[]> {
    return this.read(ref);
  }

  async get(ref: AccountKeyRef, deviceId: string): Promise<StoredDevice | null> {
    return (await this.read(ref)).find((d) => d.id === deviceId) ?? null;
  }

  /** Marks the device as seen; returns it, or null when it no longer holds a slot. */
  async touch(ref: AccountKeyRef, deviceId: string, nowMs: number): Promise<StoredDevice | null> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const devices = await this.read(ref);
      const device = devices.find((d) => d.id === deviceId);
      if (!device) return null;
      if (nowMs - device.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) {
        device.lastSeenAt = nowMs;
        await this.write(ref, devices);
      }
      return device;
    });
  }

  /**
   * Binds a slot taken before device secrets to its device's secret; a bound slot keeps its secret.
   * Called from refresh only, where the refresh token has proved the device holds the slot.
   */
  async bindSecret(ref: AccountKeyRef, deviceId: string, secretHash: string): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      const devices = await this.read(ref);
      const device = devices.find((d) => d.id === deviceId);
      if (!device || device.secretHash !== undefined) return;
      device.secretHash = secretHash;
      await this.write(ref, devices);
    });
  }

  /** Gives the device a new label; returns it, or null when it holds no slot. */
  async rename(ref: AccountKeyRef, deviceId: string, label: string): Promise<StoredDevice | null> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const devices = await this.read(ref);
      const device = devices.find((d) => d.id === deviceId);
      if (!device) return null;
      device.label = label;
      await this.write(ref, devices);
      return device;
    });
  }

  /** Frees the device's slot; false when it held none. */
  async release(ref: AccountKeyRef, deviceId: string): Promise<boolean> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const devices = await this.read(ref);
      const remaining = devices.filter((d) => d.id !== deviceId);
      if (remaining.length === devices.length) return false;
      await this.write(ref, remaining);
      return true;
    });
  }

  /** Erases everything this object stores (account deletion). */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  private async key(ref: AccountKeyRef): Promise<CryptoKey> {
    const { kek } = await serverKeys(this.env);
    return unwrapDataKey(kek, ref.wrappedKey, ref.accountId);
  }

  private async read(ref: AccountKeyRef): Promise<StoredDevice[]> {
    const sealed = await this.ctx.storage.get<string>(RECORD);
    if (!sealed) return [];
    return JSON.parse(await decryptField(await this.key(ref), ref.accountId, RECORD, sealed)) as StoredDevice[];
  }

  private async write(ref: AccountKeyRef, devices: StoredDevice[]): Promise<void> {
    if (devices.length === 0) {
      await this.ctx.storage.delete(RECORD);
      return;
    }
    await this.ctx.storage.put(RECORD, await encryptField(await this.key(ref), ref.accountId, RECORD, JSON.stringify(devices)));
  }
}

export function deviceSlots(ctx: AppContext, accountId: string): DurableObjectStub<DeviceSlots> {
  const { env } = ctx;
  return env.DEVICE_SLOTS.get(env.DEVICE_SLOTS.idFromName(accountId));
}
