/**
 * Tells a gateway, directly, that a session of ours there is over
 * (`POST /session/end` on the gateway's own listener, gateway/src/proxy/session-end.ts).
 *
 * Why: Chromium keeps the last proxy credential it answered a 407 with and
 * sends it unasked to the same gateway, also after the VPN was switched off
 * and on again with a new session. The API has ended the old session, but the
 * gateway learns that only at its next heartbeat; until then the new tunnel's
 * traffic rode on the old session and was cut mid-page when the heartbeat
 * came. Told directly, the gateway refuses the stale credential at once, and
 * the browser asks us for the new one.
 *
 * Best effort, and bounded: a gateway that cannot be reached ends the session
 * at its next heartbeat as before. `settled()` lets the next tunnel wait for
 * the word to arrive (at most `timeoutMs`) before traffic goes to it.
 *
 *   const ends = new GatewaySessionEnds();
 *   ends.end(proxy, credentials);   // when leaving a session
 *   await ends.settled();           // before pointing the browser at a gateway again
 */
import { GATEWAY_SESSION_END_PATH, type ProxyCredentials } from "@cargo-vpn/shared/schemas";
import type { ProxyTarget } from "./proxy-target";

const DEFAULT_TIMEOUT_MS = 2000;

function sessionEndUrl(proxy: ProxyTarget): string {
  const host = proxy.host.includes(":") && !proxy.host.startsWith("[") ? `[${proxy.host}]` : proxy.host;
  return `${proxy.scheme}://${host}:${proxy.port}${GATEWAY_SESSION_END_PATH}`;
}

export class GatewaySessionEnds {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  end(proxy: ProxyTarget, credentials: ProxyCredentials): void {
    // The same Basic value the browser sends as Proxy-Authorization, which fetch may not set.
    const authorization = `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
    const sent = this.fetcher(sessionEndUrl(proxy), {
      method: "POST",
      headers: { authorization },
      cache: "no-store",
      credentials: "omit",
      signal: AbortSignal.timeout(this.timeoutMs),
    }).then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Resolves once every word sent so far has been answered or given up on. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
