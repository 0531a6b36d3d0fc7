/**
 * The user's settings and this install's identity, in `storage.local`.
 *
 *   const settings = new SettingsStore(browser.storage.local);
 *   const { apiUrl, bypassList } = await settings.get();
 */
import type { StorageArea } from "../api/token-store";
import { DEFAULT_API_URL, DEFAULT_BYPASS_LIST, STORE_BUILD } from "../config";

export interface Settings {
  apiUrl: string;
  bypassList: string[];
  autoConnect: boolean;
  lastLocationId: string | null;
  /** Generated once per install: the device id the API counts slots by. */
  deviceId: string;
}

export type EditableSettings = Pick<Settings, "apiUrl" | "bypassList" | "autoConnect">;

const KEY = "settings";

export class SettingsStore {
  constructor(
    private readonly area: StorageArea,
    private readonly newId: () => string = () => crypto.randomUUID(),
    /** A store build ignores any saved API URL: it talks to the one it was built for. */
    private readonly apiUrlEditable: boolean = !STORE_BUILD,
  ) {}

  async get(): Promise<Settings> {
    const saved = ((await this.area.get(KEY))[KEY] ?? {}) as Partial<Settings>;
    const settings: Settings = {
      apiUrl: (this.apiUrlEditable && saved.apiUrl) || DEFAULT_API_URL,
      bypassList: saved.bypassList ?? [...DEFAULT_BYPASS_LIST],
      autoConnect: saved.autoConnect ?? false,
      lastLocationId: saved.lastLocationId ?? null,
      deviceId: saved.deviceId ?? this.newId(),
    };
    if (!saved.deviceId) await this.area.set({ [KEY]: settings });
    return settings;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = { ...(await this.get()), ...patch };
    await this.area.set({ [KEY]: next });
    return next;
  }
}
