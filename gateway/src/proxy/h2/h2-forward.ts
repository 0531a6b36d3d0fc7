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
import { endToEndHeaders, ForwardedFlow, type ForwardTarget } from "../http-forward";
import type { Logger } from "../../logger";
import { framingHeader, type RequestFraming } from "../request-framing";
import type { SessionRegistry } from "../../auth/session-registry";

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

export class H2ForwardedRequest extends ForwardedFlow {
  constructor(private readonly options: H2ForwardedRequestOptions) {
    super(options, String(options.headers[":method"] ?? "GET"), framingOf(options.stream, options.headers));
    options.stream.on("close", () => this.finish());
  }

  protected requestHeaders(target: ForwardTarget): string[] {
    const headers = requestHeaders(this.options.headers);
    headers.push("Host", target.host, ...framingHeader(this.framing));
    return headers;
  }

  protected body(): NodeJS.ReadableStream {
    return this.options.stream;
  }

  protected respond(response: http.IncomingMessage): void {
    const { stream } = this.options;
    if (stream.destroyed) return void response.destroy();
    stream.respond(responseHeaders(response.statusCode ?? 502, response.rawHeaders));
    response.pipe(stream);
    response.on("error", () => stream.destroy());
  }

  protected headersSent(): boolean {
    return this.options.stream.headersSent;
  }

  protected fail(status: 502 | 504, text: string): void {
    streamAnswer(this.options.stream, status, text);
  }

  protected cut(): void {
    this.options.stream.destroy();
  }
}
