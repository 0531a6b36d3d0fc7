/**
 * The HTTP proxy itself: answers CONNECT (https sites) and absolute-URI
 * requests (http sites) on any node:http or node:https server, plain or TLS
 * alike. Each request goes: (framing) → credential → target syntax → port
 * policy → resolve and address policy → per-session cap → dial → splice or
 * forward.
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
import type { CredentialFailure, CredentialResult, CredentialVerifier } from "./credentials";
import { resolveDestination, type DestinationPolicy, type Resolver } from "./destination-policy";
import { ForwardedRequest } from "./http-forward";
import { PipelinedAnswers } from "./pipelined-answers";
import type { Logger } from "./logger";
import { errorClass } from "./logger";
import type { PortPolicy } from "./port-policy";
import { requestFraming } from "./request-framing";
import { CONNECTION_ESTABLISHED, plainResponse, rawResponse } from "./responses";
import type { SessionRegistry } from "./session-registry";
import { DialError, Tunnel } from "./tunnel";
import type { UpstreamPools } from "./upstream-pool";
import type { UsageMeter } from "./usage-meter";

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
}

interface Refusal {
  status: number;
  message: string;
  /** what the log line says */
  reason: string;
}

const API_UNREACHABLE: Refusal = {
  status: 503,
  message:
    "this gateway cannot reach the Cargo API, so it cannot check which tunnel sessions have ended: it takes no new connections until it can; try again shortly or choose another location",
  reason: "api_unreachable",
};

const AUTH_REFUSALS: Record<CredentialFailure, Refusal> = {
  missing: { status: 407, message: "proxy authentication required", reason: "auth_missing" },
  malformed: { status: 407, message: "proxy credentials are malformed", reason: "auth_malformed" },
  invalid: { status: 407, message: "proxy credentials are not valid for this gateway", reason: "auth_invalid" },
  expired: { status: 407, message: "proxy credentials have expired", reason: "auth_expired" },
  revoked: { status: 407, message: "the tunnel session has ended", reason: "auth_revoked" },
  unavailable: { status: 503, message: "credentials cannot be checked right now", reason: "auth_unavailable" },
};

const BAD_TARGET: Refusal = { status: 400, message: "the request target must be host:port or an http:// URL", reason: "bad_target" };
const AT_CAP: Refusal = { status: 429, message: "too many open tunnels and requests for this tunnel session", reason: "session_cap" };
const UNRESOLVABLE: Refusal = { status: 502, message: "the destination name could not be resolved", reason: "unresolvable" };
const PORT_REFUSED: Refusal = {
  status: 403,
  message: "destination refused: Cargo VPN does not connect to this port",
  reason: "destination_port",
};
const BAD_FRAMING: Refusal = {
  status: 400,
  message: "the request body must be framed by one Content-Length or by Transfer-Encoding: chunked alone",
  reason: "bad_framing",
};

interface Target {
  host: string;
  port: number;
}

const MAX_HOST_CHARS = 253;

/** `host:port` or `[v6]:port` of a CONNECT request. */
function parseAuthority(authority: string | undefined): Target | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/.exec(authority ?? "");
  if (!match) return null;
  const port = Number(match[2]);
  const host = match[1]!;
  if (port < 1 || port > 65535 || host.length > MAX_HOST_CHARS) return null;
  return { host, port };
}

interface AbsoluteTarget extends Target {
  path: string;
  hostHeader: string;
}

/** An absolute http:// request target. */
function parseAbsoluteUri(uri: string | undefined): AbsoluteTarget | null {
  if (!uri || !/^http:\/\//i.test(uri)) return null;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.username || url.password || !url.hostname || url.hostname.length > MAX_HOST_CHARS) return null;
  const port = url.port ? Number(url.port) : 80;
  return { host: url.hostname, port, path: url.pathname + url.search, hostHeader: url.host };
}

export class ProxyHandler {
  /** Client connections (sockets) already answered 400 for their framing; the parser's own error on their body is moot. */
  private readonly refusedFraming = new WeakSet<Duplex>();
  /** Answers still owed per connection, written before a parse error's 400. */
  private readonly owed = new PipelinedAnswers();

  constructor(private readonly deps: ProxyDeps) {}

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
    if (this.deps.refusingNewFlows()) return this.refuseRaw(client, API_UNREACHABLE);
    const auth = await this.deps.verifier.check(req.headers["proxy-authorization"]);
    if (!auth.ok) return this.refuseRaw(client, AUTH_REFUSALS[auth.reason]);
    const target = parseAuthority(req.url);
    if (!target) return this.refuseRaw(client, BAD_TARGET);
    this.accepted(auth);
    if (!this.deps.ports.mayTry(target.port)) return this.refuseRaw(client, PORT_REFUSED);
    const destination = await resolveDestination(target.host, this.deps.policy, this.deps.resolver);
    if (destination.kind === "unresolvable") return this.refuseRaw(client, UNRESOLVABLE);
    if (destination.kind === "refused") return this.refuseRaw(client, policyRefusal(destination.class));
    if (!this.deps.ports.allows(target.port, destination.address)) return this.refuseRaw(client, PORT_REFUSED);
    if (client.destroyed) return;

    const tunnel = new Tunnel({
      client,
      sessionId: auth.sessionId,
      meter: this.deps.meter,
      registry: this.deps.registry,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      bufferBytes: this.deps.tunnelBufferBytes,
    });
    if (!this.deps.registry.open(tunnel)) return this.refuseRaw(client, AT_CAP);
    try {
      await tunnel.connect({
        address: destination.address,
        family: destination.family,
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
    if (client.destroyed || this.deps.registry.isRevoked(auth.sessionId)) return tunnel.destroy();
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
    if (this.deps.refusingNewFlows()) return this.refuse(res, API_UNREACHABLE);
    const auth = await this.deps.verifier.check(req.headers["proxy-authorization"]);
    if (!auth.ok) return this.refuse(res, AUTH_REFUSALS[auth.reason]);
    const target = parseAbsoluteUri(req.url);
    if (!target) return this.refuse(res, BAD_TARGET);
    this.accepted(auth);
    if (!this.deps.ports.mayTry(target.port)) return this.refuse(res, PORT_REFUSED);
    const destination = await resolveDestination(target.host, this.deps.policy, this.deps.resolver);
    if (destination.kind === "unresolvable") return this.refuse(res, UNRESOLVABLE);
    if (destination.kind === "refused") return this.refuse(res, policyRefusal(destination.class));
    if (!this.deps.ports.allows(target.port, destination.address)) return this.refuse(res, PORT_REFUSED);
    if (res.destroyed) return;

    const flow = new ForwardedRequest({
      req,
      res,
      framing,
      sessionId: auth.sessionId,
      registry: this.deps.registry,
      logger: this.deps.logger,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      connectTimeoutMs: this.deps.connectTimeoutMs,
      maxHeaderBytes: this.deps.maxHeaderBytes,
      agent: this.deps.pools.agentFor(auth.sessionId),
    });
    if (!this.deps.registry.open(flow)) return this.refuse(res, AT_CAP);
    flow.send({
      address: destination.address,
      family: destination.family,
      port: target.port,
      path: target.path,
      host: target.hostHeader,
    });
  }

  private accepted(auth: Extract<CredentialResult, { ok: true }>): void {
    this.deps.registry.noteCredential(auth.sessionId, auth.expiresAtMs);
  }

  private refuse(res: http.ServerResponse, refusal: Refusal): void {
    this.deps.logger.info("request_refused", { reason: refusal.reason, status: refusal.status });
    plainResponse(res, refusal.status, refusal.message, this.refusalHeaders(refusal));
  }

  private refuseRaw(socket: net.Socket, refusal: Refusal): void {
    this.deps.logger.info("request_refused", { reason: refusal.reason, status: refusal.status });
    rawResponse(socket, refusal.status, refusal.message, this.refusalHeaders(refusal));
  }

  private refusalHeaders(refusal: Refusal): Record<string, string> {
    return refusal === API_UNREACHABLE ? { "Retry-After": String(this.deps.retryAfterSec) } : {};
  }

  private internalError(error: unknown, cleanup: () => void): void {
    this.deps.logger.error("proxy_internal_error", { error: errorClass(error) });
    cleanup();
  }
}

function policyRefusal(cls: string): Refusal {
  return {
    status: 403,
    message: `destination refused: Cargo VPN does not connect to ${cls} addresses`,
    reason: `destination_${cls}`,
  };
}
