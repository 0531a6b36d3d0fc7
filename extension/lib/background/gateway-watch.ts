/**
 * Notices a gateway that stopped answering while connected (requests fail
 * with "cannot connect to proxy") and asks the connection to reconnect once
 * the failures have lasted a grace period: one refused connection is not an
 * outage, and a dead gateway must not cause a tight reconnect loop (the state
 * machine's backoff takes it from there).
 */
import type { ConnectionEvent, ConnectionState } from "../connection/state-machine";

/** Chrome and Firefox names for "the proxy itself could not be reached". */
const PROXY_DOWN = new Set(["net::ERR_PROXY_CONNECTION_FAILED", "NS_ERROR_PROXY_CONNECTION_REFUSED", "NS_ERROR_UNKNOWN_PROXY_HOST"]);
export const GATEWAY_GRACE_MS = 15_000;

export function createGatewayWatch(
  state: () => ConnectionState,
  dispatch: (event: ConnectionEvent) => unknown,
  now: () => number = Date.now,
) {
  let connectedSession: string | null = null;
  let connectedAt = 0;
  return (details: { error: string }): boolean => {
    const current = state();
    if (current.name !== "connected" || !PROXY_DOWN.has(details.error)) return false;
    if (current.session.id !== connectedSession) {
      connectedSession = current.session.id;
      connectedAt = now();
    }
    if (now() - connectedAt < GATEWAY_GRACE_MS) return false;
    connectedSession = null;
    void dispatch({ type: "GATEWAY_UNREACHABLE" });
    return true;
  };
}
