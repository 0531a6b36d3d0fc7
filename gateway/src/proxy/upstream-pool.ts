/**
 * Keep-alive connections to http:// destinations, one pool per session, so a
 * browser loading a plain-http page does not pay a new TCP handshake to the
 * destination for every request. Pools are never shared between sessions:
 * every byte on a pooled connection belongs to the one session that owns it,
 * and ending a session closes its pooled connections too.
 *
 * The pool, not the request, charges the bytes: each connection is charged
 * to its session from its first byte until it closes, so whatever crosses it
 * between requests (an answer the destination sends unasked, a late body) is
 * counted too, and usage equals what the destination moved.
 *
 *   const pools = new UpstreamPools({ freeSocketTimeoutMs, maxSocketsPerSession, meter });
 *   const agent = pools.agentFor(sessionId);   // pass as http.request({ agent })
 *   pools.chargeAll();                         // before a usage flush
 *   pools.dropSession(sessionId);              // revoked or expired
 *   pools.sweep();                             // forget pools with no connections
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { SocketCharge, type UsageMeter } from "../accounting/usage-meter";

export interface UpstreamPoolsOptions {
  /** How long an idle pooled connection is kept; shorter than common origin keep-alive (5 s). */
  freeSocketTimeoutMs: number;
  maxSocketsPerSession: number;
  meter: UsageMeter;
}

type CountedSocket = Duplex & { bytesRead: number; bytesWritten: number };

/** An http.Agent that hands every connection it opens to `track`. */
class ChargingAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly track: (socket: CountedSocket) => void,
  ) {
    super(options);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket) this.track(socket as CountedSocket);
    return socket;
  }
}

export class UpstreamPools {
  private readonly agents = new Map<string, http.Agent>();
  /** Every open destination connection and what it has been charged so far. */
  private readonly live = new Map<CountedSocket, SocketCharge>();

  constructor(private readonly options: UpstreamPoolsOptions) {}

  agentFor(sessionId: string): http.Agent {
    let agent = this.agents.get(sessionId);
    if (!agent) {
      agent = new ChargingAgent(
        {
          keepAlive: true,
          timeout: this.options.freeSocketTimeoutMs,
          maxSockets: this.options.maxSocketsPerSession,
          maxFreeSockets: 16,
          scheduling: "lifo",
        },
        (socket) => this.track(sessionId, socket),
      );
      this.agents.set(sessionId, agent);
    }
    return agent;
  }

  private track(sessionId: string, socket: CountedSocket): void {
    const charge = new SocketCharge(this.options.meter, sessionId);
    charge.attach(socket);
    this.live.set(socket, charge);
    socket.once("close", () => {
      charge.charge(true);
      this.live.delete(socket);
    });
  }

  /** Moves the bytes every open destination connection moved since its last charge into the meter. */
  chargeAll(): void {
    for (const charge of this.live.values()) charge.charge();
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

  /** Closes every pooled connection, charging what they moved (shutdown). */
  destroyAll(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    this.chargeAll();
  }

  /** Pooled idle connections, for tests. */
  idleConnections(): number {
    let count = 0;
    for (const agent of this.agents.values()) {
      for (const list of Object.values(agent.freeSockets)) count += list?.length ?? 0;
    }
    return count;
  }

  /** Open destination connections, busy or idle, for tests. */
  openConnections(): number {
    return this.live.size;
  }
}
