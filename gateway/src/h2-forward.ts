/**
 * One plain-http request that arrived as an HTTP/2 stream (`:scheme http`,
 * `:authority`, `:path`), forwarded as HTTP/1.1 to the already resolved
 * address over the session's keep-alive pool (upstream-pool.ts), which
 * charges the bytes per connection exactly as for HTTP/1.1 absolute-URI
 * requests (http-forward.ts). The body is framed by the gateway: HTTP/2
 * delimits it with DATA frames and END_STREAM (nghttp2 refuses a stream whose
 * DATA disagrees with its content-length), so the forwarded request carries
 * that length, or chunked when none was given, never the browser's own
 * framing headers.
 *
 *   const flow = new H2ForwardedRequest({ stream, headers, sessionId, registry, … });
 *   if (registry.open(flow)) flow.send({ address, family, port, path, host });
 */
import type http from "node:http";
import type http2 from "node:http2";
import { streamAnswer } from "./h2-answers";
import { endToEndHeaders, type ForwardTarget, upstreamRequest } from "./http-forward";
import { errorClass, type Logger } from "./logger";
import { framingHeader, isBodiless, type RequestFraming } from "./request-framing";
import type { Flow, SessionRegistry } from "./session-registry";

export interface H2ForwardedRequestOptions {
  stream: http2.ServerHttp2Stream;
  headers: http2.IncomingHttpHeaders;
  sessionId: string;
  registry: SessionRegistry;
  logger: Logger;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  maxHeaderBytes: number;
  agent: http.Agent;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);
// Set by the gateway on every forwarded request, so the browser's copies go.
const REPLACED = new Set(["host", "content-length"]);
// Never valid in an HTTP/2 response (RFC 9113 §8.2.2); endToEndHeaders drops the rest.
const NOT_IN_H2 = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** The stream's request headers as a flat HTTP/1.1 list: no pseudo-headers, no hop-by-hop, no framing. */
function requestHeaders(headers: http2.IncomingHttpHeaders): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    // HTTP/2 may split cookies into several fields; HTTP/1.1 wants one (RFC 9113 §8.2.3).
    if (name === "cookie" && Array.isArray(value)) raw.push(name, value.join("; "));
    else for (const one of Array.isArray(value) ? value : [value]) raw.push(name, one);
  }
  const kept = endToEndHeaders(raw);
  const out: string[] = [];
  for (let i = 0; i < kept.length; i += 2) if (!REPLACED.has(kept[i]!)) out.push(kept[i]!, kept[i + 1]!);
  return out;
}

/** A destination's response headers for an HTTP/2 response. */
function responseHeaders(status: number, rawHeaders: string[]): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = { ":status": status };
  const kept = endToEndHeaders(rawHeaders);
  for (let i = 0; i < kept.length; i += 2) {
    const name = kept[i]!.toLowerCase();
    if (NOT_IN_H2.has(name)) continue;
    const value = kept[i + 1]!;
    const had = out[name];
    if (had === undefined) out[name] = value;
    else out[name] = Array.isArray(had) ? [...had, value] : [String(had), value];
  }
  return out;
}

function framingOf(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): RequestFraming {
  if (stream.endAfterHeaders) return { body: "none" };
  const length = headers["content-length"];
  if (typeof length === "string" && /^\d{1,15}$/.test(length)) return { body: "length", length: Number(length) };
  return { body: "chunked" };
}

export class H2ForwardedRequest implements Flow {
  readonly sessionId: string;
  private upstreamRequest: http.ClientRequest | null = null;
  private responseComplete = false;
  private retried = false;
  private finished = false;
  private readonly framing: RequestFraming;
  private readonly method: string;

  constructor(private readonly options: H2ForwardedRequestOptions) {
    this.sessionId = options.sessionId;
    this.framing = framingOf(options.stream, options.headers);
    this.method = String(options.headers[":method"] ?? "GET");
    options.stream.on("close", () => this.finish());
  }

  send(target: ForwardTarget): void {
    const { stream, logger } = this.options;
    const headers = requestHeaders(this.options.headers);
    headers.push("Host", target.host, ...framingHeader(this.framing));
    const upstream = upstreamRequest(target, this.method, headers, this.options);
    this.upstreamRequest = upstream;
    upstream.on("response", (response) => {
      if (stream.destroyed) return void response.destroy();
      stream.respond(responseHeaders(response.statusCode ?? 502, response.rawHeaders));
      response.pipe(stream);
      response.on("error", () => stream.destroy());
      response.on("end", () => {
        this.responseComplete = true;
      });
    });
    upstream.on("error", (error) => {
      const cls = errorClass(error);
      if (this.mayRetry(upstream, cls)) {
        // A pooled connection the destination had just closed: the request never reached it.
        this.retried = true;
        this.send(target);
        return;
      }
      logger.warn("forward_failed", { error: cls });
      if (!stream.headersSent)
        streamAnswer(stream, cls === "ETIMEDOUT" ? 504 : 502, cls === "ETIMEDOUT" ? "destination timed out" : "destination unreachable");
      else stream.destroy();
    });
    if (isBodiless(this.framing)) upstream.end();
    else stream.pipe(upstream);
  }

  private mayRetry(upstream: http.ClientRequest, cls: string): boolean {
    return (
      !this.retried &&
      !this.finished &&
      upstream.reusedSocket &&
      !this.options.stream.headersSent &&
      (cls === "ECONNRESET" || cls === "EPIPE") &&
      isBodiless(this.framing) &&
      IDEMPOTENT.has(this.method)
    );
  }

  destroy(): void {
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.options.stream.destroy();
    this.finish();
  }

  /** Nothing to do: the pool charges its connections (upstream-pool.ts). */
  charge(): void {}

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.responseComplete) this.upstreamRequest?.destroy();
    this.options.registry.close(this);
  }
}
