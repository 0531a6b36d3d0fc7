/**
 * The gateway's own answers on one HTTP/2 stream (refusals, failed dials):
 * the same status and short text as on HTTP/1.1 (responses.ts), with
 * `proxy-authenticate` on a 407. Only that stream ends; the connection and
 * the browser's other tunnels on it go on.
 */
import http2 from "node:http2";
import { extraHeaders } from "../responses";

const { NGHTTP2_NO_ERROR } = http2.constants;

export function streamAnswer(stream: http2.ServerHttp2Stream, status: number, message: string, more: Record<string, string> = {}): void {
  if (stream.destroyed || stream.headersSent) return;
  const body = `${message}\n`;
  const headers: http2.OutgoingHttpHeaders = {
    ":status": status,
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  };
  for (const [name, value] of Object.entries({ ...extraHeaders(status), ...more })) headers[name.toLowerCase()] = value;
  stream.respond(headers);
  stream.end(body);
  // A CONNECT client may keep its half open; after a complete answer RST_STREAM(NO_ERROR) ends it (RFC 9113 §8.1).
  stream.once("finish", () => {
    if (!stream.closed) stream.close(NGHTTP2_NO_ERROR);
  });
}
