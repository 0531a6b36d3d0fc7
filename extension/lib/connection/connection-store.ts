/**
 * Where the connection service keeps its state: the live state in
 * `storage.session` (survives a stopped service worker, not a browser
 * restart) and the intent "be connected to X" in `storage.local` (survives
 * both, so the next browser start knows to hold traffic and reconnect).
 */
import type { StorageAreas } from "../api/token-store";
import type { SettingsStore } from "../settings/settings-store";
import type { ConnectionStore } from "./connection-service";
import type { ConnectionState } from "./state-machine";

const STATE_KEY = "connection";
const INTENT_KEY = "connectIntent";

export class StorageConnectionStore implements ConnectionStore {
  constructor(
    private readonly storage: StorageAreas,
    private readonly settings: Pick<SettingsStore, "get" | "update">,
  ) {}

  async loadState(): Promise<ConnectionState | null> {
    return ((await this.storage.session.get(STATE_KEY))[STATE_KEY] as ConnectionState | undefined) ?? null;
  }

  async saveState(state: ConnectionState): Promise<void> {
    await this.storage.session.set({ [STATE_KEY]: state });
  }

  async loadResumeLocation(): Promise<string | null> {
    const intent = (await this.storage.local.get(INTENT_KEY))[INTENT_KEY] as string | null | undefined;
    if (intent) return intent;
    const settings = await this.settings.get();
    return settings.autoConnect ? settings.lastLocationId : null;
  }

  async saveIntent(locationId: string | null): Promise<void> {
    if (!locationId) return this.storage.local.remove(INTENT_KEY);
    await this.storage.local.set({ [INTENT_KEY]: locationId });
    await this.settings.update({ lastLocationId: locationId });
  }
}
