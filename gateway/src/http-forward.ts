/**
 * One absolute-URI request (`GET http://site/path`, how browsers fetch plain
 * http through a proxy) forwarded to the already resolved address, over a
 * connection from the session's own keep-alive pool (upstream-pool.ts), with
 * the proxy's own headers removed and the body framed by the gateway itself
 * (request-framing.ts), never by whatever framing header the browser sent.
 * Bytes are charged by the pool, per connection, until it closes.
 *
 *   const flow = new ForwardedRequest({ req, res, framing, sessionId, registry, … });
 *   if (registry.open(flow)) flow.send({ address, family, port, path, host });
 */
import http from "node:http";
import type { Flow, SessionRegistry } from "./session-registry";
import { errorClass, type Logger } from "./logger";
import { framingHeader, isBodiless, type RequestFraming } from "./request-framing";
import { plainResponse } from "./responses";

export interface ForwardedRequestOptions {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** From requestFraming(req); ambiguous requests never get here. */
  framing: RequestFraming;
  sessionId: string;
  registry: SessionRegistry;
  logger: Logger;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  maxHeaderBytes: number;
  agent: http.Agent;
}

export interface ForwardTarget {
  address: string;
  family: 4 | 6;
  port: number;
  /** origin-form path and query */
  path: string;
  /** Host header value for the destination */
  host: string;
}

// Connection-level headers (RFC 9110 §7.6.1) and the proxy's own: meaningful
// only on the browser→gateway hop, never forwarded.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Flat [name, value, …] header list without hop-by-hop headers and those the Connection header names. */
export function endToEndHeaders(raw: string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === "connection") {
      for (const token of raw[i + 1]!.split(",")) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) kept.push(raw[i]!, raw[i + 1]!);
  }
  return kept;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);

// Set by the gateway on every forwarded request, so the browser's copies go.
const REPLACED = new Set(["host", "content-length"]);

function withoutReplaced(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!REPLACED.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

/** How a forwarded request reaches its destination: the session's pool and the gateway's limits. */
export interface UpstreamLimits {
  agent: http.Agent;
  maxHeaderBytes: number;
  /** Until the destination accepts the connection. */
  connectTimeoutMs: number;
  /** Once connected: no bytes this long ends the request (ETIMEDOUT). */
  idleTimeoutMs: number;
}

/**
 * The HTTP/1.1 request to the destination, for a browser's HTTP/1.1 request
 * and for an HTTP/2 `:scheme http` stream (h2-forward.ts) alike: the resolved
 * address (never the name again), Nagle off, the connect timeout until the
 * socket connects and the idle timeout after, either one a destroy with ETIMEDOUT.
 */
export function upstreamRequest(target: ForwardTarget, method: string, headers: string[], limits: UpstreamLimits): http.ClientRequest {
  const upstream = http.request({
    host: target.address,
    family: target.family,
    port: target.port,
    method,
    path: target.path,
    headers,
    setHost: false,
    agent: limits.agent,
    maxHeaderSize: limits.maxHeaderBytes,
    timeout: limits.connectTimeoutMs,
  });
  upstream.on("socket", (socket) => {
    socket.setNoDelay(true);
    if (socket.connecting) socket.once("connect", () => upstream.setTimeout(limits.idleTimeoutMs));
    else upstream.setTimeout(limits.idleTimeoutMs);
  });
  upstream.on("timeout", () => upstream.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
  return upstream;
}

export class ForwardedRequest implements Flow {
  readonly sessionId: string;
  private upstreamRequest: http.ClientRequest | null = null;
  private responseComplete = false;
  private retried = false;
  private finished = false;

  constructor(private readonly options: ForwardedRequestOptions) {
    this.sessionId = options.sessionId;
    options.res.on("close", () => this.finish());
  }

  send(target: ForwardTarget): void {
    const { req, res, logger } = this.options;
    // The URL's authority wins over whatever Host the browser sent (RFC 9112 §3.2.2).
    const headers = withoutReplaced(endToEndHeaders(req.rawHeaders));
    headers.push("Host", target.host, ...framingHeader(this.options.framing));
    const upstream = upstreamRequest(target, req.method ?? "GET", headers, this.options);
    this.upstreamRequest = upstream;
    upstream.on("response", (response) => {
      res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEndHeaders(response.rawHeaders));
      response.pipe(res);
      response.on("error", () => res.destroy());
      response.on("end", () => {
        this.responseComplete = true;
      });
    });
    upstream.on("error", (error) => {
      const cls = errorClass(error);
      if (this.mayRetry(upstream, cls)) {
        // A pooled connection the destination had just closed: the request
        // never reached it, so send it again once on a fresh connection.
        this.retried = true;
        this.send(target);
        return;
      }
      logger.warn("forward_failed", { error: cls });
      if (!res.headersSent) {
        const status = cls === "ETIMEDOUT" ? 504 : 502;
        plainResponse(res, status, status === 504 ? "destination timed out" : "destination unreachable");
      } else {
        res.destroy();
      }
    });
    if (isBodiless(this.options.framing)) upstream.end();
    else req.pipe(upstream);
  }

  private mayRetry(upstream: http.ClientRequest, cls: string): boolean {
    return (
      !this.retried &&
      !this.finished &&
      upstream.reusedSocket &&
      !this.options.res.headersSent &&
      (cls === "ECONNRESET" || cls === "EPIPE") &&
      isBodiless(this.options.framing) &&
      IDEMPOTENT.has(this.options.req.method ?? "")
    );
  }

  destroy(): void {
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.options.req.socket.destroy();
    this.finish();
  }

  /** Nothing to do: the pool charges its connections (upstream-pool.ts). */
  charge(): void {}

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    // A request the browser gave up on must not leave a half-read connection in the pool.
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.options.registry.close(this);
  }
}
