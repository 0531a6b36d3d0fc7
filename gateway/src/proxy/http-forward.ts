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
import type { Flow, SessionRegistry } from "../auth/session-registry";
import { errorClass, type Logger } from "../logger";
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
function upstreamRequest(target: ForwardTarget, method: string, headers: string[], limits: UpstreamLimits): http.ClientRequest {
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

/** The limits a forwarded request takes from the gateway, and where it is counted. */
export interface ForwardedFlowOptions extends UpstreamLimits {
  sessionId: string;
  registry: SessionRegistry;
  logger: Logger;
}

/**
 * One request forwarded as HTTP/1.1 to its destination, whatever the browser
 * spoke (this file's ForwardedRequest for HTTP/1.1, h2-forward.ts for an
 * HTTP/2 stream): the destination's answer relayed, or its failure answered
 * 502/504 (a cut response once the head went); an idempotent bodiless request
 * whose pooled connection the destination had just closed sent once more; the
 * pooled connection destroyed unless its response was read to the end.
 * A subclass says how the browser's side reads and answers.
 */
export abstract class ForwardedFlow implements Flow {
  readonly sessionId: string;
  private upstreamRequest: http.ClientRequest | null = null;
  private responseComplete = false;
  private retried = false;
  private finished = false;

  constructor(
    private readonly flow: ForwardedFlowOptions,
    protected readonly method: string,
    protected readonly framing: RequestFraming,
  ) {
    this.sessionId = flow.sessionId;
  }

  /** The request's headers for the destination, Host and framing included. */
  protected abstract requestHeaders(target: ForwardTarget): string[];
  /** The browser's request body. */
  protected abstract body(): NodeJS.ReadableStream;
  /** The destination's response head came: hand it on and pipe its body. */
  protected abstract respond(response: http.IncomingMessage): void;
  protected abstract headersSent(): boolean;
  /** An answer of the gateway's own, before any head was sent. */
  protected abstract fail(status: 502 | 504, text: string): void;
  /** Ends the browser's side at once. */
  protected abstract cut(): void;

  send(target: ForwardTarget): void {
    const upstream = upstreamRequest(target, this.method, this.requestHeaders(target), this.flow);
    this.upstreamRequest = upstream;
    upstream.on("response", (response) => {
      this.respond(response);
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
      this.flow.logger.warn("forward_failed", { error: cls });
      if (this.headersSent()) this.cut();
      else if (cls === "ETIMEDOUT") this.fail(504, "destination timed out");
      else this.fail(502, "destination unreachable");
    });
    if (isBodiless(this.framing)) upstream.end();
    else this.body().pipe(upstream);
  }

  private mayRetry(upstream: http.ClientRequest, cls: string): boolean {
    return (
      !this.retried &&
      !this.finished &&
      upstream.reusedSocket &&
      !this.headersSent() &&
      (cls === "ECONNRESET" || cls === "EPIPE") &&
      isBodiless(this.framing) &&
      IDEMPOTENT.has(this.method)
    );
  }

  destroy(): void {
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.cut();
    this.finish();
  }

  /** Nothing to do: the pool charges its connections (upstream-pool.ts). */
  charge(): void {}

  /** Call when the browser's side has closed. */
  protected finish(): void {
    if (this.finished) return;
    this.finished = true;
    // A request the browser gave up on must not leave a half-read connection in the pool.
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.flow.registry.close(this);
  }
}

export class ForwardedRequest extends ForwardedFlow {
  constructor(private readonly options: ForwardedRequestOptions) {
    super(options, options.req.method ?? "GET", options.framing);
    options.res.on("close", () => this.finish());
  }

  protected requestHeaders(target: ForwardTarget): string[] {
    // The URL's authority wins over whatever Host the browser sent (RFC 9112 §3.2.2).
    const headers = withoutReplaced(endToEndHeaders(this.options.req.rawHeaders));
    headers.push("Host", target.host, ...framingHeader(this.framing));
    return headers;
  }

  protected body(): NodeJS.ReadableStream {
    return this.options.req;
  }

  protected respond(response: http.IncomingMessage): void {
    const { res } = this.options;
    res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEndHeaders(response.rawHeaders));
    response.pipe(res);
    response.on("error", () => res.destroy());
  }

  protected headersSent(): boolean {
    return this.options.res.headersSent;
  }

  protected fail(status: 502 | 504, text: string): void {
    plainResponse(this.options.res, status, text);
  }

  protected cut(): void {
    // The browser's connection: a response cut short cannot be framed again.
    this.options.req.socket.destroy();
  }
}
