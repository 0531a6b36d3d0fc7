/**
 * Connection-attempt telemetry, sent only when the account opted in (off by
 * default). Exactly the fields of the contract: attempt time, connection
 * type, encryption type, device type, outcome. Failures to send are dropped:
 * telemetry must never get in the way of the tunnel.
 */
import type { TelemetryEvent } from "@cargo-vpn/shared/schemas";
import type { TokenStore } from "../api/token-store";

export interface TelemetryDeps {
  send: (events: TelemetryEvent[]) => Promise<unknown>;
  tokens: Pick<TokenStore, "get">;
  deviceType: TelemetryEvent["deviceType"];
  now?: () => number;
  /** Firefox: the browser's own consent (data_collection "technicalAndInteraction"), which the user can revoke there. */
  browserConsent?: () => Promise<boolean>;
}

export function telemetryEvent(
  outcome: TelemetryEvent["outcome"],
  scheme: "https" | "http" | undefined,
  deviceType: TelemetryEvent["deviceType"],
  at: number,
): TelemetryEvent {
  const https = scheme !== "http";
  return {
    attemptAt: new Date(at).toISOString(),
    connectionType: https ? "https-proxy" : "http-proxy",
    // The gateway's TLS listener negotiates TLS 1.3; a plain-HTTP proxy hop is unencrypted.
    encryptionType: https ? "tls1.3" : "none",
    deviceType,
    outcome,
  };
}

export function createTelemetryReporter(deps: TelemetryDeps) {
  const now = deps.now ?? Date.now;
  return async (outcome: TelemetryEvent["outcome"], scheme?: "https" | "http"): Promise<boolean> => {
    const auth = await deps.tokens.get();
    if (!auth?.account.telemetryOptIn) return false;
    try {
      if (deps.browserConsent && !(await deps.browserConsent())) return false;
      await deps.send([telemetryEvent(outcome, scheme, deps.deviceType, now())]);
      return true;
    } catch {
      return false;
    }
  };
}
