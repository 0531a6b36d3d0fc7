/**
 * Privacy settings while connected: WebRTC may only use the proxied path
 * (no UDP around the tunnel), and network prediction (DNS prefetch,
 * preconnect) is off. Clearing our values restores whatever was there before,
 * because extension-set values are a layer over the user's own.
 */
import type { PrivacyControl } from "../connection/connection-service";

export interface BrowserSetting {
  set(details: { value: unknown }): Promise<unknown>;
  clear(details: Record<string, never>): Promise<unknown>;
}

export interface PrivacyNetwork {
  webRTCIPHandlingPolicy?: BrowserSetting;
  networkPredictionEnabled?: BrowserSetting;
}

export class PrivacySettings implements PrivacyControl {
  constructor(
    private readonly network: PrivacyNetwork,
    private readonly log: (message: string, error: unknown) => void = () => {},
  ) {}

  async protect(): Promise<void> {
    await this.each((s) => s.webRTCIPHandlingPolicy?.set({ value: "disable_non_proxied_udp" }), "webRTC");
    await this.each((s) => s.networkPredictionEnabled?.set({ value: false }), "prediction");
  }

  async restore(): Promise<void> {
    await this.each((s) => s.webRTCIPHandlingPolicy?.clear({}), "webRTC");
    await this.each((s) => s.networkPredictionEnabled?.clear({}), "prediction");
  }

  // One failing setting (e.g. controlled by policy) must not stop the other or the tunnel.
  private async each(action: (network: PrivacyNetwork) => Promise<unknown> | undefined, what: string): Promise<void> {
    try {
      await action(this.network);
    } catch (error) {
      this.log(`privacy setting ${what} failed`, error);
    }
  }
}
