/**
 * One absolute-URI request (`GET http://site/path`, how browsers fetch plain
 * http through a proxy) forwarded to the already resolved address, over a
 * connection from the session's own keep-alive pool (upstream-pool.ts), with
 * the proxy's own headers removed. Bytes are counted from that connection's
 * socket counters — from when the request got the socket until its response
 * ended and the socket went back to the pool — so they are exactly what the
 * destination sent and received for this request.
 *
 *   const flow = new ForwardedRequest({ req, res, sessionId, meter, registry, … });
 *   if (registry.open(flow)) flow.send({ address, family, port, path, host });
 */
import http from "node:http";
import type { Flow, SessionRegistry } from "./session-registry";
import { SocketCharge, type UsageMeter } from "./usage-meter";
import { errorClass, type Logger } from "./logger";
import { plainResponse } from "./responses";

export interface ForwardedRequestOptions {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  sessionId: string;
  meter: UsageMeter;
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

function isBodiless(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] === undefined && (length === undefined || length === "0");
}

function withoutHost(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== "host") kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

export class ForwardedRequest implements Flow {
  readonly sessionId: string;
  private upstreamRequest: http.ClientRequest | null = null;
  private responseComplete = false;
  private retried = false;
  private readonly charged: SocketCharge;
  private finished = false;

  constructor(private readonly options: ForwardedRequestOptions) {
    this.sessionId = options.sessionId;
    this.charged = new SocketCharge(options.meter, options.sessionId);
    options.res.on("close", () => this.finish());
  }

  send(target: ForwardTarget): void {
    const { req, res, logger } = this.options;
    // The URL's authority wins over whatever Host the browser sent (RFC 9112 §3.2.2).
    const headers = withoutHost(endToEndHeaders(req.rawHeaders));
    headers.push("Host", target.host);
    const upstream = http.request({
      host: target.address,
      family: target.family,
      port: target.port,
      method: req.method,
      path: target.path,
      headers,
      setHost: false,
      agent: this.options.agent,
      maxHeaderSize: this.options.maxHeaderBytes,
      timeout: this.options.connectTimeoutMs,
    });
    this.upstreamRequest = upstream;
    upstream.on("socket", (socket) => {
      // A pooled socket has carried earlier requests: charge from its counters as they are now.
      this.charged.attach(socket);
      socket.setNoDelay(true);
      if (socket.connecting) socket.once("connect", () => upstream.setTimeout(this.options.idleTimeoutMs));
      else upstream.setTimeout(this.options.idleTimeoutMs);
    });
    upstream.on("timeout", () => upstream.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    upstream.on("response", (response) => {
      res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEndHeaders(response.rawHeaders));
      response.pipe(res);
      response.on("error", () => res.destroy());
      // The socket goes back to the pool now; the next request of the session
      // writes to it only from a later tick, so this charge is exactly ours.
      response.on("end", () => {
        this.responseComplete = true;
        this.charged.charge(true);
      });
    });
    upstream.on("error", (error) => {
      const cls = errorClass(error);
      if (this.mayRetry(upstream, cls)) {
        // A pooled connection the destination had just closed: the request
        // never reached it, so send it again once on a fresh connection.
        this.retried = true;
        this.charged.charge(true);
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
    if (isBodiless(req)) upstream.end();
    else req.pipe(upstream);
  }

  private mayRetry(upstream: http.ClientRequest, cls: string): boolean {
    return (
      !this.retried &&
      !this.finished &&
      upstream.reusedSocket &&
      !this.options.res.headersSent &&
      (cls === "ECONNRESET" || cls === "EPIPE") &&
      isBodiless(this.options.req) &&
      IDEMPOTENT.has(this.options.req.method ?? "")
    );
  }

  destroy(): void {
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.options.req.socket.destroy();
    this.finish();
  }

  charge(): void {
    this.charged.charge();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    // A request the browser gave up on must not leave a half-read connection in the pool.
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.charge();
    this.options.registry.close(this);
  }
}
