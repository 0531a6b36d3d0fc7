/**
 * The HTTP proxy itself: answers CONNECT (https sites) and absolute-URI
 * requests (http sites) on any node:http or node:https server, plain or TLS
 * alike. Each request goes: (framing) → admission (admission.ts: credential
 * → target syntax → port policy → resolve and address policy) → per-session
 * cap → dial → splice or forward. HTTP/2 streams take the same admission
 * (h2-streams.ts).
 *
 *   const proxy = new ProxyHandler(deps);
 *   proxy.attach(http.createServer({ maxHeaderSize }));
 *
 * Nothing here logs a host, URL, port or client address: refusals are logged
 * as their class ("auth_expired", "destination_private", …).
 */
import type http from "node:http";
import type net from "node:net";
import type { Duplex } from "node:stream";
import { Admissions, AT_CAP, parseAbsoluteUri, parseAuthority, type Refusal, refusalHeaders } from "./admission";
import type { CredentialVerifier } from "../auth/credentials";
import type { DestinationPolicy, Resolver } from "../policy/destination-policy";
import { ForwardedRequest } from "./http-forward";
import { answerPing, isPing, type PingCounter } from "./ping";
import { PipelinedAnswers } from "./pipelined-answers";
import { endSession, isSessionEnd } from "./session-end";
import type { Logger } from "../logger";
import { errorClass } from "../logger";
import type { PortPolicy } from "../policy/port-policy";
import { requestFraming } from "./request-framing";
import { CONNECTION_ESTABLISHED, plainResponse, rawResponse } from "./responses";
import type { SessionRegistry } from "../auth/session-registry";
import { DialError, Tunnel } from "./tunnel";
import type { UpstreamPools } from "./upstream-pool";
import type { UsageMeter } from "../accounting/usage-meter";

export interface ProxyDeps {
  verifier: CredentialVerifier;
  registry: SessionRegistry;
  meter: UsageMeter;
  pools: UpstreamPools;
  policy: DestinationPolicy;
  ports: PortPolicy;
  resolver: Resolver;
  logger: Logger;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  maxHeaderBytes: number;
  tunnelBufferBytes: number;
  /** True while heartbeats are missed (heartbeat.ts): revocations cannot be learned, so new flows are refused. */
  refusingNewFlows: () => boolean;
  /** Retry-After of that refusal, in seconds. */
  retryAfterSec: number;
  /** The latency probes answered (ping.ts). */
  pings: PingCounter;
  /** Ends a session its holder said is over (session-end.ts): here, and in a cluster in every worker. */
  endSession: (sessionId: string) => void;
}

const BAD_FRAMING: Refusal = {
  status: 400,
  message: "the request body must be framed by one Content-Length or by Transfer-Encoding: chunked alone",
  reason: "bad_framing",
};

export class ProxyHandler {
  /** Client connections (sockets) already answered 400 for their framing; the parser's own error on their body is moot. */
  private readonly refusedFraming = new WeakSet<Duplex>();
  /** Answers still owed per connection, written before a parse error's 400. */
  private readonly owed = new PipelinedAnswers();

  private readonly admissions: Admissions;

  constructor(private readonly deps: ProxyDeps) {
    this.admissions = new Admissions(deps);
  }

  attach(server: http.Server): void {
    server.on("request", (req, res) => {
      this.owed.track(req, res);
      this.onRequest(req, res).catch((error) => this.internalError(error, () => res.destroy()));
    });
    server.on("connect", (req, socket, head) => {
      socket.on("error", () => socket.destroy());
      this.onConnect(req, socket, head).catch((error) => this.internalError(error, () => socket.destroy()));
    });
    server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
      // The 400 is on its way and its Connection: close ends the socket once it is written.
      if (this.refusedFraming.has(socket)) return;
      // The browser hung up (often right after a TLS handshake): no request to refuse, nobody to answer.
      if (error.code === "ECONNRESET") return socket.destroy();
      this.deps.logger.info("request_refused", { reason: "client_error", error: errorClass(error) });
      const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
      // Complete requests before the bad bytes ran: their answers go first (RFC 9112 §9.3.2).
      this.owed.afterOwed(socket, () =>
        rawResponse(socket, tooLarge ? 431 : 400, tooLarge ? "request head too large" : "malformed request"),
      );
    });
  }

  private async onConnect(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const client = socket as net.Socket;
    const admitted = await this.admissions.admit(req.headers["proxy-authorization"], parseAuthority(req.url));
    if (!admitted.ok) return this.refuseRaw(client, admitted.refusal);
    const { target } = admitted;
    if (client.destroyed) return;

    const tunnel = new Tunnel({
      client,
      sessionId: admitted.sessionId,
      meter: this.deps.meter,
      registry: this.deps.registry,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      bufferBytes: this.deps.tunnelBufferBytes,
    });
    if (!this.deps.registry.open(tunnel)) return this.refuseRaw(client, AT_CAP);
    try {
      await tunnel.connect({
        address: admitted.address,
        family: admitted.family,
        port: target.port,
        timeoutMs: this.deps.connectTimeoutMs,
        head,
      });
    } catch (error) {
      const dial = error instanceof DialError ? error : new DialError(502, errorClass(error));
      this.deps.logger.warn("tunnel_failed", { error: dial.errorClass });
      rawResponse(client, dial.status, dial.status === 504 ? "destination timed out" : "destination unreachable");
      return;
    }
    // The session may have ended while we were dialling.
    if (client.destroyed || this.deps.registry.isRevoked(admitted.sessionId)) return tunnel.destroy();
    client.setNoDelay(true);
    client.write(CONNECTION_ESTABLISHED);
    tunnel.splice();
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const framing = requestFraming(req);
    if (!framing) {
      // The body's end is unknowable, so nothing after it on this connection can be trusted either.
      res.setHeader("Connection", "close");
      this.refusedFraming.add(req.socket);
      return this.refuse(res, BAD_FRAMING);
    }
    if (isPing(req.method, req.url)) return answerPing(res, this.deps.pings, this.deps.refusingNewFlows(), this.deps.retryAfterSec);
    if (isSessionEnd(req.method, req.url)) {
      req.resume();
      const answer = await endSession(req.headers.authorization, { verifier: this.deps.verifier, end: this.deps.endSession });
      if (answer.status !== 204) return plainResponse(res, answer.status, answer.message, answer.headers);
      res.writeHead(204, { "Cache-Control": "no-store" });
      return void res.end();
    }
    const admitted = await this.admissions.admit(req.headers["proxy-authorization"], parseAbsoluteUri(req.url));
    if (!admitted.ok) return this.refuse(res, admitted.refusal);
    const { target } = admitted;
    if (res.destroyed) return;

    const flow = new ForwardedRequest({
      req,
      res,
      framing,
      sessionId: admitted.sessionId,
      registry: this.deps.registry,
      logger: this.deps.logger,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      connectTimeoutMs: this.deps.connectTimeoutMs,
      maxHeaderBytes: this.deps.maxHeaderBytes,
      agent: this.deps.pools.agentFor(admitted.sessionId),
    });
    if (!this.deps.registry.open(flow)) return this.refuse(res, AT_CAP);
    flow.send({
      address: admitted.address,
      family: admitted.family,
      port: target.port,
      path: target.path,
      host: target.hostHeader,
    });
  }

  private refuse(res: http.ServerResponse, refusal: Refusal): void {
    this.deps.logger.info("request_refused", { reason: refusal.reason, status: refusal.status });
    plainResponse(res, refusal.status, refusal.message, refusalHeaders(refusal));
  }

  private refuseRaw(socket: net.Socket, refusal: Refusal): void {
    this.deps.logger.info("request_refused", { reason: refusal.reason, status: refusal.status });
    rawResponse(socket, refusal.status, refusal.message, refusalHeaders(refusal));
  }

  private internalError(error: unknown, cleanup: () => void): void {
    this.deps.logger.error("proxy_internal_error", { error: errorClass(error) });
    cleanup();
  }
}
