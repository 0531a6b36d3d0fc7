/**
 * Keep-alive connections to http:// destinations, one pool per session, so a
 * browser loading a plain-http page does not pay a new TCP handshake to the
 * destination for every request. Pools are never shared between sessions:
 * every byte on a pooled connection belongs to the one session that owns it,
 * and ending a session closes its pooled connections too.
 *
 *   const agent = pools.agentFor(sessionId);   // pass as http.request({ agent })
 *   pools.dropSession(sessionId);              // revoked or expired
 *   pools.sweep();                             // forget pools with no connections
 */
import http from "node:http";

export interface UpstreamPoolsOptions {
  /** How long an idle pooled connection is kept; shorter than common origin keep-alive (5 s). */
  freeSocketTimeoutMs: number;
  maxSocketsPerSession: number;
}

export class UpstreamPools {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly options: UpstreamPoolsOptions) {}

  agentFor(sessionId: string): http.Agent {
    let agent = this.agents.get(sessionId);
    if (!agent) {
      agent = new http.Agent({
        keepAlive: true,
        timeout: this.options.freeSocketTimeoutMs,
        maxSockets: this.options.maxSocketsPerSession,
        maxFreeSockets: 16,
        scheduling: "lifo",
      });
      this.agents.set(sessionId, agent);
    }
    return agent;
  }

  dropSession(sessionId: string): void {
    this.agents.get(sessionId)?.destroy();
    this.agents.delete(sessionId);
  }

  /** Drops pools that hold no connection, so the map only holds live sessions. */
  sweep(): void {
    for (const [sessionId, agent] of this.agents) {
      const busy = Object.keys(agent.sockets).length + Object.keys(agent.freeSockets).length;
      if (busy === 0) this.agents.delete(sessionId);
    }
  }

  destroyAll(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** Pooled idle connections, for tests. */
  idleConnections(): number {
    let count = 0;
    for (const agent of this.agents.values()) {
      for (const list of Object.values(agent.freeSockets)) count += list?.length ?? 0;
    }
    return count;
  }
}
