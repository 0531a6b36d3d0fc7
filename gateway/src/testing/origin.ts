/**
 * A local destination that knows exactly how many bytes it received and sent
 * on the wire (socket counters summed over all its connections), so tests can
 * compare the gateway's usage reports with the truth.
 *
 *   GET  /bytes/<n>   answers n bytes
 *   POST /echo        answers the request body
 *
 *   const origin = await startOrigin();
 *   await origin.idle();          // every connection closed
 *   origin.received, origin.sent  // totals so far
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Origin {
  port: number;
  received: number;
  sent: number;
  openConnections: number;
  /** Connections accepted since start. */
  accepted: number;
  /** Resolves once no connection is open. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startOrigin(options: { keepAliveTimeoutMs?: number } = {}): Promise<Origin> {
  const open = new Set<Socket>();
  const totals = { received: 0, sent: 0, accepted: 0 };
  const server = http.createServer((req, res) => {
    const bytes = /^\/bytes\/(\d+)$/.exec(req.url ?? "");
    if (req.method === "GET" && bytes) {
      const body = Buffer.alloc(Number(bytes[1]), 120);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      res.end(body);
      return;
    }
    if (req.method === "POST" && req.url === "/echo") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        res.writeHead(200, { "content-length": body.length });
        res.end(body);
      });
      return;
    }
    res.writeHead(404, { "content-length": 0 });
    res.end();
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 200;
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    totals.accepted++;
    socket.on("close", () => {
      open.delete(socket);
      totals.received += socket.bytesRead;
      totals.sent += socket.bytesWritten;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get received() {
      return totals.received;
    },
    get sent() {
      return totals.sent;
    },
    get accepted() {
      return totals.accepted;
    },
    get openConnections() {
      return open.size;
    },
    async idle() {
      while (open.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
