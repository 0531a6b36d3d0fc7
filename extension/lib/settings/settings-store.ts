/**
 * The user's settings and this install's identity (device id and device
 * secret), in `storage.local`.
 *
 *   const settings = new SettingsStore(browser.storage.local);
 *   const { apiUrl, bypassList } = await settings.get();
 */
import { toBase64Url } from "@cargo-vpn/shared/base64url";
import type { StorageArea } from "../api/token-store";
import { DEFAULT_API_URL, DEFAULT_BYPASS_LIST, STORE_BUILD } from "../config";

export interface Settings {
  apiUrl: string;
  bypassList: string[];
  autoConnect: boolean;
  lastLocationId: string | null;
  /** Generated once per install: the device id the API counts slots by (replaced by the id a sign-in answers). */
  deviceId: string;
  /**
   * Generated once per install (32 bytes from crypto.getRandomValues, base64url) and sent on every sign-in and
   * refresh: the API binds the device's slot to it, so the id alone takes over nothing (issue 20 item 4).
   */
  deviceSecret: string;
}

/** 32 random bytes as base64url without padding: a device secret. */
function newDeviceSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export type EditableSettings = Pick<Settings, "apiUrl" | "bypassList" | "autoConnect">;

const KEY = "settings";

export class SettingsStore {
  constructor(
    private readonly area: StorageArea,
    private readonly newId: () => string = () => crypto.randomUUID(),
    /** A store build ignores any saved API URL: it talks to the one it was built for. */
    private readonly apiUrlEditable: boolean = !STORE_BUILD,
    private readonly newSecret: () => string = newDeviceSecret,
  ) {}

  async get(): Promise<Settings> {
    const saved = ((await this.area.get(KEY))[KEY] ?? {}) as Partial<Settings>;
    const settings: Settings = {
      apiUrl: (this.apiUrlEditable && saved.apiUrl) || DEFAULT_API_URL,
      bypassList: saved.bypassList ?? [...DEFAULT_BYPASS_LIST],
      autoConnect: saved.autoConnect ?? false,
      lastLocationId: saved.lastLocationId ?? null,
      deviceId: saved.deviceId ?? this.newId(),
      deviceSecret: saved.deviceSecret ?? this.newSecret(),
    };
    // Kept at once: the id and the secret must be the same on the next read (installs from before secrets get theirs now).
    if (!saved.deviceId || !saved.deviceSecret) await this.area.set({ [KEY]: settings });
    return settings;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = { ...(await this.get()), ...patch };
    await this.area.set({ [KEY]: next });
    return next;
  }
}
