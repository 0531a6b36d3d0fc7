/**
 * The gateway's own answers to the browser: 407 challenges and short
 * plain-text errors, on an HTTP response or written raw on a CONNECT socket
 * (which the HTTP server has already handed over). Bodies name the reason
 * class, never the destination.
 */
import type http from "node:http";
import type { Duplex } from "node:stream";

const PROXY_REALM = "Cargo VPN";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  407: "Proxy Authentication Required",
  429: "Too Many Requests",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function extraHeaders(status: number): Record<string, string> {
  return status === 407 ? { "Proxy-Authenticate": `Basic realm="${PROXY_REALM}"` } : {};
}

/** `headers` adds to the usual ones (e.g. Retry-After on a 503). */
export function plainResponse(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    ...extraHeaders(status),
    ...headers,
  });
  res.end(body);
}

/** Answers on a socket taken over from the HTTP server (CONNECT) and closes it. */
export function rawResponse(socket: Duplex, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = `${message}\n`;
  const headers = {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
    ...extraHeaders(status),
    ...extra,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n${head}\r\n${body}`);
}

export const CONNECTION_ESTABLISHED = Buffer.from("HTTP/1.1 200 Connection Established\r\n\r\n");
