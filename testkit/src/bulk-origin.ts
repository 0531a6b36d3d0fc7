/**
 * An origin for large downloads: `GET /bytes/<n>` answers n bytes from one
 * reused 1 MiB buffer, written as fast as the socket takes them, so the origin
 * costs almost nothing beside the path under test; any other path is a tiny
 * page (somewhere for a browser tab to stand before it fetches). HTTPS with
 * `tls`, plain HTTP without.
 *
 *   const origin = await startBulkOrigin({ tls: cert });
 *   await page.goto(origin.url);                 // then fetch("/bytes/67108864")
 *   sendBulkBody(res, total);                    // the same body from a server of one's own
 */
import http, { type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

const CHUNK = Buffer.alloc(1024 * 1024, 97);

/** Writes `total` bytes to `res` and ends it (the caller has written the head). */
export function sendBulkBody(res: ServerResponse, total: number): void {
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const piece = Math.min(CHUNK.length, total - sent);
      sent += piece;
      if (!res.write(piece === CHUNK.length ? CHUNK : CHUNK.subarray(0, piece))) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

export interface BulkOrigin {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBulkOrigin(options: { tls?: { cert: string; key: string } } = {}): Promise<BulkOrigin> {
  const handler = (req: http.IncomingMessage, res: ServerResponse) => {
    const bytes = /^\/bytes\/(\d+)$/.exec(req.url ?? "");
    if (!bytes) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end("<!doctype html><title>bulk origin</title><h1>bulk origin</h1>");
    }
    const total = Number(bytes[1]);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": total, "cache-control": "no-store" });
    sendBulkBody(res, total);
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}/`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
