/**
 * The latency probe the extension times to rank locations: `GET /ping` in
 * origin form on the proxy's own listener (plain, TLS or h2). A proxied
 * request is never origin-form (absolute URI, CONNECT, or an h2 stream with
 * `:scheme http`), so the two cannot be confused.
 *
 * It answers 204 with no body, before any credential is read, the same to
 * everyone: nothing to learn from it (no oracle) and fewer bytes out than in
 * (no amplifier). While new flows are refused (missed heartbeats) it answers
 * 503, so the picker does not rank a gateway that would refuse the tunnel.
 * It is counted (`cargo_gateway_pings_total`), never logged.
 *
 *   if (isPing(req.method, req.url)) return answerPing(res, pings, refusing);
 */
import type http from "node:http";
import type http2 from "node:http2";

const PING_PATH = "/ping";

/** How many probes were answered since start (for the metrics). */
export class PingCounter {
  answered = 0;
}

export function isPing(method: string | undefined, target: string | undefined): boolean {
  return method === "GET" && target === PING_PATH;
}

/** An h2 probe: a request to the gateway itself over TLS (`:scheme https`), not a proxied http request. */
export function isH2Ping(headers: http2.IncomingHttpHeaders): boolean {
  return headers[":scheme"] === "https" && isPing(headers[":method"] as string | undefined, headers[":path"] as string | undefined);
}

function pingHeaders(refusing: boolean, retryAfterSec: number): Record<string, string> {
  return { "Cache-Control": "no-store", ...(refusing ? { "Retry-After": String(retryAfterSec) } : {}) };
}

export function answerPing(res: http.ServerResponse, pings: PingCounter, refusing: boolean, retryAfterSec: number): void {
  pings.answered++;
  res.writeHead(refusing ? 503 : 204, { ...pingHeaders(refusing, retryAfterSec), "Content-Length": "0" });
  res.end();
}

export function answerH2Ping(stream: http2.ServerHttp2Stream, pings: PingCounter, refusing: boolean, retryAfterSec: number): void {
  pings.answered++;
  stream.respond({ ":status": refusing ? 503 : 204, ...pingHeaders(refusing, retryAfterSec) }, { endStream: true });
}
