/**
 * A local web site for browser tests: HTML pages whose bytes on the wire are
 * counted (socket counters, summed when each connection closes), so a test
 * can compare what the site sent and received with what the gateway reported.
 *
 *   GET /page/<n>?anything   an HTML page of about n bytes with a heading
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface PageOrigin {
  url: string;
  port: number;
  received: number;
  sent: number;
  requests: number;
  /** Resolves once every connection is closed, so the counters are final. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startPageOrigin(): Promise<PageOrigin> {
  const open = new Set<Socket>();
  const totals = { received: 0, sent: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    totals.requests++;
    const size = Number(/^\/page\/(\d+)/.exec(req.url ?? "")?.[1] ?? 1000);
    const body = `<!doctype html><title>origin</title><h1>hello from the origin</h1><p>${"x".repeat(Math.max(0, size - 80))}</p>`;
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    });
    res.end(body);
  });
  // Short keep-alive, so connections close soon after a page and the counters settle.
  server.keepAliveTimeout = 300;
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    // Browsers also open speculative connections that never carry a request; close any idle one.
    socket.setTimeout(1000, () => socket.destroy());
    socket.on("close", () => {
      open.delete(socket);
      totals.received += socket.bytesRead;
      totals.sent += socket.bytesWritten;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get received() {
      return totals.received;
    },
    get sent() {
      return totals.sent;
    },
    get requests() {
      return totals.requests;
    },
    async idle() {
      const deadline = Date.now() + 15_000;
      while (open.size > 0) {
        if (Date.now() > deadline) throw new Error(`${open.size} origin connections still open`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
