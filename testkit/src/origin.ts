/**
 * A local destination that knows exactly how many bytes it received and sent
 * on the wire (socket counters, summed when each connection closes), so tests
 * can compare the gateway's usage reports with the truth. One server for the
 * socket tests and the browser tests; they differ only in options.
 *
 *   GET  /bytes/<n>   answers n bytes
 *   POST /echo        answers the request body
 *   GET  /page/<n>    an HTML page of about n bytes with a heading (any query)
 *
 *   const origin = await startOrigin();      // sockets: other paths are 404
 *   const site = await startPageOrigin();    // browsers: every other path is a page too
 *   await origin.idle();                      // every connection closed, counters final
 *   origin.received, origin.sent              // totals so far
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Origin {
  url: string;
  port: number;
  received: number;
  sent: number;
  openConnections: number;
  /** Connections accepted since start. */
  accepted: number;
  /** Requests answered since start. */
  requests: number;
  /** Resolves once no connection is open, so the counters are final; throws after 15 s. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface OriginOptions {
  /** How long a kept-alive connection may wait for its next request (default 200 ms). */
  keepAliveTimeoutMs?: number;
  /**
   * Closes a connection that stays silent this long. Browsers open speculative
   * connections that never carry a request; without this they hold `idle()` open.
   */
  silentSocketTimeoutMs?: number;
  /** Answers every path that is not a route with the default page instead of 404 (what a browser test loads). */
  anyPathIsPage?: boolean;
  /** Called with each accepted connection, while it is open (who connected: socket-owner.ts). */
  onConnection?: (socket: Socket) => void;
}

/** The size of the page served for a path that names none. */
const DEFAULT_PAGE_BYTES = 1000;
const IDLE_DEADLINE_MS = 15_000;

/**
 * The page names its icon inline, so a browser asks for no /favicon.ico: a
 * favicon load still connecting through the gateway when the test moves on is
 * cancelled, and its upstream connection closes before the site accepts it,
 * which no socket-owner check can attribute (socket-owner.ts, "closed").
 */
function page(size: number): string {
  const icon = `<link rel="icon" href="data:,">`;
  return `<!doctype html><title>origin</title>${icon}<h1>hello from the origin</h1><p>${"x".repeat(Math.max(0, size - 80 - icon.length))}</p>`;
}

export async function startOrigin(options: OriginOptions = {}): Promise<Origin> {
  const open = new Set<Socket>();
  const totals = { received: 0, sent: 0, accepted: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    totals.requests++;
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
    const pageSize = /^\/page\/(\d+)/.exec(req.url ?? "")?.[1];
    if (pageSize !== undefined || options.anyPathIsPage) {
      const body = page(Number(pageSize ?? DEFAULT_PAGE_BYTES));
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
      });
      res.end(body);
      return;
    }
    res.writeHead(404, { "content-length": 0 });
    res.end();
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 200;
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    totals.accepted++;
    options.onConnection?.(socket);
    if (options.silentSocketTimeoutMs !== undefined) socket.setTimeout(options.silentSocketTimeoutMs, () => socket.destroy());
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
    get accepted() {
      return totals.accepted;
    },
    get requests() {
      return totals.requests;
    },
    get openConnections() {
      return open.size;
    },
    async idle() {
      const deadline = Date.now() + IDLE_DEADLINE_MS;
      while (open.size > 0) {
        if (Date.now() > deadline) throw new Error(`${open.size} origin connections still open`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The origin as a web site for browser tests: pages on every path, a short
 * keep-alive so connections close soon after a page and the counters settle,
 * and silent speculative connections closed after a second.
 */
export function startPageOrigin(options: Pick<OriginOptions, "onConnection"> = {}): Promise<Origin> {
  return startOrigin({ keepAliveTimeoutMs: 300, silentSocketTimeoutMs: 1000, anyPathIsPage: true, ...options });
}
