/**
 * A local destination that writes down every request it parsed (method, path,
 * body) and counts its bytes on the wire, so a test can check that the origin
 * saw exactly the requests the gateway saw — no more (a smuggled one), no
 * fewer — and that usage equals what crossed the origin's sockets.
 *
 *   const origin = await startRecordingOrigin();
 *   origin.requests;            // [{ method: "GET", path: "/a", body: "…" }]
 *   await origin.idle();        // every connection closed
 *   origin.received, origin.sent
 *
 * With `partial`, every answer stops half-way: its head announces
 * `announced` body bytes, `sent` of them follow and the rest never come, so
 * a test can cut a flow mid-response (origin.openConnections says when the
 * connection is gone).
 */
import http from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export interface RecordingOrigin {
  port: number;
  requests: RecordedRequest[];
  received: number;
  sent: number;
  /** Connections still open. */
  openConnections: number;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface RecordingOriginOptions {
  keepAliveTimeoutMs?: number;
  /** Answer each request with a head announcing `announced` body bytes, then only `sent` of them (never ending). */
  partial?: { announced: number; sent: number };
}

export async function startRecordingOrigin(options: RecordingOriginOptions = {}): Promise<RecordingOrigin> {
  const { partial } = options;
  const requests: RecordedRequest[] = [];
  const open = new Set<Socket>();
  const totals = { received: 0, sent: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", body: Buffer.concat(chunks).toString("latin1") });
      if (partial) {
        res.writeHead(200, { "content-length": partial.announced });
        res.write(Buffer.alloc(partial.sent, "h"));
        return;
      }
      const answer = Buffer.from(`seen ${req.method} ${req.url}\n`);
      res.writeHead(200, { "content-length": answer.length });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 200;
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => {
      open.delete(socket);
      totals.received += socket.bytesRead;
      totals.sent += socket.bytesWritten;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    get received() {
      return totals.received;
    },
    get sent() {
      return totals.sent;
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

/**
 * Sends `raw` bytes to the gateway on a fresh TCP connection and returns all
 * it answered until it closed (the request should say `Connection: close`).
 */
export function rawExchange(port: number, raw: string | Buffer, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(raw));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("the gateway did not close the connection"));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
  });
}

/** Status codes of every response in a raw answer, in order. */
export function statuses(answer: string): number[] {
  return [...answer.matchAll(/(?:^|\n)HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}
