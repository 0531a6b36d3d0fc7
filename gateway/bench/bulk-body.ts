/**
 * The body of a benchmark origin's large answer: `total` bytes from one reused
 * 1 MiB buffer, written as fast as the socket takes them (waiting on 'drain'),
 * so the origin costs almost nothing beside the path under test.
 *
 *   res.writeHead(200, { "content-length": total });
 *   sendBulkBody(res, total);
 */
import type { ServerResponse } from "node:http";

const CHUNK = Buffer.alloc(1024 * 1024, 97);

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
