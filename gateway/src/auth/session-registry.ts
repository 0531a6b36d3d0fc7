/**
 * What the gateway knows about tunnel sessions while it runs: which ones have
 * ended (from heartbeats), until when each one's newest credential is good,
 * and which flows (open tunnels and in-flight requests) each one holds. It
 * enforces the per-session flow cap and cuts a session's flows when it ends
 * or its credentials run out without renewal.
 *
 *   const registry = new SessionRegistry({ maxFlowsPerSession: 256 });
 *   registry.noteCredential(sessionId, expiresAtMs);   // after every accepted credential
 *   if (!registry.open(flow)) refuse429();             // at the cap
 *   registry.close(flow);                              // when the flow ends
 *   registry.revoke(["s1"]);                           // from a heartbeat
 *   registry.dropExpired();                            // on a timer
 */
import { MAX_CREDENTIAL_LIFETIME_SEC } from "./credentials";

/** One open tunnel or in-flight request, held for a session. */
export interface Flow {
  readonly sessionId: string;
  /** Ends the flow at once (both sockets); must lead to `registry.close(flow)`. */
  destroy(): void;
  /** Moves the bytes counted since the last call into the usage meter. */
  charge(): void;
}

export interface SessionRegistryOptions {
  maxFlowsPerSession: number;
  /** Told when a session is revoked or runs out of credentials, to release what else it holds. */
  onSessionEnded?: (sessionId: string) => void;
  clockToleranceMs?: number;
  now?: () => number;
}

export class SessionRegistry {
  private readonly flows = new Map<string, Set<Flow>>();
  private readonly expiry = new Map<string, number>();
  private readonly revoked = new Map<string, number>();
  private readonly now: () => number;
  private readonly toleranceMs: number;
  private flowCount = 0;
  /** Flows registered since start (metrics). */
  opened = 0;

  constructor(private readonly options: SessionRegistryOptions) {
    this.now = options.now ?? Date.now;
    this.toleranceMs = options.clockToleranceMs ?? 5000;
  }

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  /** Marks sessions as ended and cuts their flows; repeats are harmless. Returns the number of flows cut. */
  revoke(sessionIds: Iterable<string>): number {
    let dropped = 0;
    const now = this.now();
    for (const id of sessionIds) {
      if (!this.revoked.has(id)) this.revoked.set(id, now);
      dropped += this.dropSession(id);
      this.expiry.delete(id);
      this.options.onSessionEnded?.(id);
    }
    return dropped;
  }

  /** A credential for the session was accepted: its expiry extends the session's (renewal). */
  noteCredential(sessionId: string, expiresAtMs: number): void {
    const known = this.expiry.get(sessionId) ?? 0;
    if (expiresAtMs > known) this.expiry.set(sessionId, expiresAtMs);
  }

  /** Registers a flow; false when the session is at its cap (nothing registered). */
  open(flow: Flow): boolean {
    let set = this.flows.get(flow.sessionId);
    if (!set) {
      set = new Set();
      this.flows.set(flow.sessionId, set);
    }
    if (set.size >= this.options.maxFlowsPerSession) return false;
    set.add(flow);
    this.flowCount++;
    this.opened++;
    return true;
  }

  close(flow: Flow): void {
    const set = this.flows.get(flow.sessionId);
    if (!set?.delete(flow)) return;
    this.flowCount--;
    if (set.size === 0) this.flows.delete(flow.sessionId);
  }

  /**
   * Cuts the flows of sessions whose newest credential has expired, and
   * forgets revocations old enough that every credential of the session has
   * expired anyway. Returns the number of flows cut.
   */
  dropExpired(): number {
    const now = this.now();
    let dropped = 0;
    for (const [id, expiresAtMs] of this.expiry) {
      if (now < expiresAtMs + this.toleranceMs) continue;
      dropped += this.dropSession(id);
      this.expiry.delete(id);
      this.options.onSessionEnded?.(id);
    }
    const forgetBefore = now - MAX_CREDENTIAL_LIFETIME_SEC * 1000 - this.toleranceMs;
    for (const [id, at] of this.revoked) if (at < forgetBefore) this.revoked.delete(id);
    return dropped;
  }

  dropSession(sessionId: string): number {
    const set = this.flows.get(sessionId);
    if (!set) return 0;
    const flows = [...set];
    for (const flow of flows) flow.destroy();
    return flows.length;
  }

  dropAll(): number {
    let dropped = 0;
    for (const id of [...this.flows.keys()]) dropped += this.dropSession(id);
    return dropped;
  }

  /** Moves every open flow's uncharged bytes into the meter (before a usage flush). */
  chargeAll(): void {
    for (const set of this.flows.values()) for (const flow of set) flow.charge();
  }

  /**
   * Sessions this gateway would still carry: open flows or an unexpired credential.
   * Heartbeats send them so the API can name any that vanished (an erased account).
   */
  carriedSessions(limit: number): string[] {
    const ids = new Set<string>(this.flows.keys());
    for (const id of this.expiry.keys()) {
      if (ids.size >= limit) break;
      ids.add(id);
    }
    return [...ids].slice(0, limit);
  }

  get activeSessions(): number {
    return this.flows.size;
  }

  get openFlows(): number {
    return this.flowCount;
  }

  /** Open flows matching `predicate` (the metrics tell tunnels from forwarded requests). */
  countFlows(predicate: (flow: Flow) => boolean): number {
    let count = 0;
    for (const set of this.flows.values()) for (const flow of set) if (predicate(flow)) count++;
    return count;
  }

  flowsOf(sessionId: string): number {
    return this.flows.get(sessionId)?.size ?? 0;
  }
}
