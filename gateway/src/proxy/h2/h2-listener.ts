/**
 * HTTP/2 on the gateway's TLS listener. With `tls.h2` (GATEWAY_TLS_H2; on by
 * default only when `tls.http1Port` gives Firefox, whose h2 tunnels stall
 * (README), an http/1.1-only port of its own) the listener offers `h2` and
 * `http/1.1` in ALPN (H2_ALPN, given to the TLS server's options); each TLS
 * connection is dispatched on what was negotiated: `h2` to a node:http2
 * session whose streams are tunnels and requests (h2-streams.ts), anything
 * else to the HTTP/1.1 server as before. A browser then carries every tunnel
 * on one TLS connection, so a new site costs one stream, not a handshake.
 *
 *   const tls = createTlsListener({ ...serverOptions, ALPNProtocols: H2_ALPN }, input, logger);
 *   const h2 = serveHttp2(tls.server, { streams, logger, maxHeaderListBytes, idleTimeoutMs });
 *   h2.connections;     // { h2, http1 }: TLS connections by negotiated protocol (metrics)
 *   h2.close();         // GOAWAY to every session (shutdown): no new streams, open ones finish
 *
 * What one client may cost is bounded, and each refusal is counted
 * (`request_refused` with its class, so it lands in the refusal metrics):
 * - header list size (the HTTP/1.1 head limit, maxHeaderBytes): a larger
 *   list is answered 431 on its stream, `h2_header_too_large`, and one past
 *   twice that (SETTINGS_MAX_HEADER_LIST_SIZE) is reset by nghttp2 unread;
 * - a client that opens more streams than SETTINGS_MAX_CONCURRENT_STREAMS
 *   gets GOAWAY(PROTOCOL_ERROR), `h2_protocol_error`;
 * - rapid reset (CVE-2023-44487): streams the client resets before the
 *   gateway answered cost an admission each (credential, DNS, maybe a dial)
 *   for nothing; past a budget the session gets GOAWAY(ENHANCE_YOUR_CALM),
 *   `h2_rapid_reset`;
 * - CONTINUATION floods (2024): nghttp2 allows few CONTINUATION frames per
 *   header block and ends the session with GOAWAY, `h2_continuation_flood`;
 *   other protocol floods nghttp2 detects end the same way, `h2_flood` /
 *   `h2_protocol_error`.
 *
 * Flow control is sized for bulk transfers: the connection window is large
 * (CONNECTION_WINDOW_BYTES, so one stream's upload never waits for window
 * updates on a fast link) and each stream's window is STREAM_WINDOW_BYTES. A
 * stream whose destination is slow stops being read, so only its own window
 * fills; the connection window is returned as DATA arrives (node:http2
 * consumes connection-level flow control on receipt), so the other streams
 * go on.
 */
import http2 from "node:http2";
import type tls from "node:tls";
import { streamAnswer } from "./h2-answers";
import type { H2Streams } from "./h2-streams";
import { errorClass, type Logger } from "../../logger";

/** ALPN the TLS listener offers with `tls.h2`, in the server's order of preference. */
export const H2_ALPN = ["h2", "http/1.1"];
/** ALPN it offers without `tls.h2`, and the http/1.1-only listener (`tls.http1Port`) always. */
export const HTTP1_ALPN = ["http/1.1"];

/** Streams one connection may hold at once: above the 60–100 a busy page opens, below the per-session flow cap. */
export const H2_MAX_CONCURRENT_STREAMS = 128;
/** Per-stream receive window (uploads): a fast upload never waits for an update; Chromium gives its own streams 6 MiB. */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
/** Connection receive window. */
export const CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;
/** Streams reset by the client before an answer: this many at once, then RESET_REFILL_PER_SEC more each second. */
export const RESET_BURST = 100;
const RESET_REFILL_PER_SEC = 20;

const { NGHTTP2_NO_ERROR, NGHTTP2_ENHANCE_YOUR_CALM } = http2.constants;

// nghttp2's error numbers (nghttp2.h) for the floods it detects itself.
const NGHTTP2_ERR_FLOODED = -904;
const NGHTTP2_ERR_TOO_MANY_CONTINUATIONS = -905;

export interface Http2ListenerOptions {
  streams: H2Streams;
  logger: Logger;
  /** SETTINGS_MAX_HEADER_LIST_SIZE: the same bound as the HTTP/1.1 head (maxHeaderBytes). */
  maxHeaderListBytes: number;
  /** A session with no frames this long is closed (GOAWAY). */
  idleTimeoutMs: number;
  maxConcurrentStreams?: number;
}

export interface Http2Listener {
  /** TLS connections since start by negotiated protocol (`http1`: http/1.1 or no ALPN). */
  readonly connections: { h2: number; http1: number };
  /** GOAWAY to every open session: no new streams; open ones may finish. */
  close(): void;
}

/** A token bucket of client resets. */
class ResetBudget {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly burst: number) {
    this.tokens = burst;
  }

  /** One more reset; false once the budget is spent. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * RESET_REFILL_PER_SEC);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0;
  }
}

/** A header list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it: name, value and 32 octets per field (RFC 9113 §6.5.2). */
function headerListSize(rawHeaders: string[]): number {
  let size = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) size += rawHeaders[i]!.length + (rawHeaders[i + 1]?.length ?? 0) + 32;
  return size;
}

/** Class of a session error for the refusal metrics. */
function sessionErrorReason(error: unknown): string {
  const errno = (error as { errno?: unknown }).errno;
  if (errno === NGHTTP2_ERR_TOO_MANY_CONTINUATIONS) return "h2_continuation_flood";
  if (errno === NGHTTP2_ERR_FLOODED) return "h2_flood";
  const code = errorClass(error);
  if (code === "ERR_HTTP2_TOO_MANY_INVALID_FRAMES") return "h2_invalid_frames";
  // The client hung up, or the gateway ended the session itself (refuseSession, already counted).
  if (code === "ECONNRESET" || code === "ERR_HTTP2_SESSION_ERROR") return "";
  return "h2_protocol_error";
}

export function serveHttp2(server: tls.Server, options: Http2ListenerOptions): Http2Listener {
  const { logger } = options;
  const connections = { h2: 0, http1: 0 };
  const sessions = new Set<http2.ServerHttp2Session>();
  const h2 = http2.createServer({
    settings: {
      maxConcurrentStreams: options.maxConcurrentStreams ?? H2_MAX_CONCURRENT_STREAMS,
      initialWindowSize: STREAM_WINDOW_BYTES,
      // nghttp2 resets streams past this without telling JS; the stream handler answers 431 (and counts) from half of it.
      maxHeaderListSize: 2 * options.maxHeaderListBytes,
    },
    // MB of nghttp2 state and queued frames per session (node's default is 10): room for 128 busy streams, still bounded.
    maxSessionMemory: 64,
  });

  const refuseSession = (session: http2.ServerHttp2Session, reason: string) => {
    logger.info("request_refused", { reason, status: 0 });
    // destroy(error, code) sends GOAWAY with that code before the socket goes; the 'error' it emits is
    // this one, which sessionErrorReason does not count again.
    session.destroy(Object.assign(new Error(reason), { code: "ERR_HTTP2_SESSION_ERROR" }), NGHTTP2_ENHANCE_YOUR_CALM);
  };

  h2.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    const budget = new ResetBudget(RESET_BURST);
    session.on("connect", () => session.setLocalWindowSize(CONNECTION_WINDOW_BYTES));
    session.setTimeout(options.idleTimeoutMs, () => session.close());
    session.on("error", (error) => {
      const reason = sessionErrorReason(error);
      if (reason) logger.info("request_refused", { reason, status: 0 });
    });
    session.on("stream", (stream: http2.ServerHttp2Stream) => {
      stream.once("close", () => {
        // Reset by the client before the gateway answered: the admission was work for nothing.
        if (stream.headersSent || stream.rstCode === NGHTTP2_NO_ERROR || session.destroyed || session.closed) return;
        if (!budget.take()) refuseSession(session, "h2_rapid_reset");
      });
    });
  });
  h2.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    if (headerListSize(rawHeaders) > options.maxHeaderListBytes) {
      logger.info("request_refused", { reason: "h2_header_too_large", status: 431 });
      return streamAnswer(stream, 431, "request head too large");
    }
    options.streams.onStream(stream, headers);
  });

  // The HTTP/1.1 server's own handler of new TLS connections, kept for every connection that is not h2.
  const http1 = server.listeners("secureConnection") as Array<(socket: tls.TLSSocket) => void>;
  server.removeAllListeners("secureConnection");
  server.on("secureConnection", (socket: tls.TLSSocket) => {
    if (socket.alpnProtocol === "h2") {
      connections.h2++;
      h2.emit("connection", socket);
      return;
    }
    connections.http1++;
    for (const listener of http1) listener.call(server, socket);
  });

  return {
    connections,
    close: () => {
      for (const session of sessions) session.close();
    },
  };
}
