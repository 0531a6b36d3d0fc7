/**
 * A userspace stand-in for `tc netem delay` on the loopback path (this
 * machine has no sch_netem module): a TCP relay in front of a port that
 * holds every chunk `delayMs` in each direction before passing it on, in
 * order, so a round trip through it costs 2 × delayMs more, as netem on `lo`
 * would. A new connection also pays the TCP handshake's round trip: the
 * relay accepts at once (locally), so the first client bytes wait one more
 * round trip before they leave.
 *
 *   const relay = await startDelayRelay(gateway.tlsPort, 20);   // RTT +40 ms
 *   tls.connect({ port: relay.port, … });
 *   await relay.close();
 *
 * Not netem: no loss, no reordering, no bandwidth limit, and what it delays
 * is chunks as Node reads them, not packets. Each direction buffers at most
 * QUEUE_LIMIT bytes before it stops reading, so TCP's own backpressure holds.
 */
import net from "node:net";

const QUEUE_LIMIT = 16 * 1024 * 1024;

export interface DelayRelay {
  port: number;
  /** Connections the relay accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Moves `from`'s bytes to `to`, each chunk no earlier than `delayMs` after it came and after `notBefore`. */
function delayed(from: net.Socket, to: net.Socket, delayMs: number, notBefore: number): void {
  const queue: Array<{ at: number; chunk: Buffer }> = [];
  let queued = 0;
  let scheduled = false;
  let ended = false;
  const schedule = (ms: number) => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(flush, Math.max(0, ms));
  };
  const flush = () => {
    scheduled = false;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now) {
      const { chunk } = queue.shift()!;
      queued -= chunk.length;
      if (!to.destroyed) to.write(chunk);
    }
    if (queued < QUEUE_LIMIT / 2 && from.isPaused()) from.resume();
    if (queue.length > 0) schedule(queue[0]!.at - performance.now());
    else if (ended) to.end();
  };
  from.on("data", (chunk: Buffer) => {
    queue.push({ at: Math.max(performance.now(), notBefore) + delayMs, chunk });
    queued += chunk.length;
    if (queued > QUEUE_LIMIT) from.pause();
    schedule(queue[0]!.at - performance.now());
  });
  from.on("end", () => {
    ended = true;
    schedule(0);
  });
}

export async function startDelayRelay(targetPort: number, delayMs: number): Promise<DelayRelay> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    const accepted = performance.now();
    const upstream = net.connect({ host: "127.0.0.1", port: targetPort, noDelay: true });
    client.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // The SYN and SYN-ACK the relay answered locally: one round trip before the client's first bytes may leave.
    delayed(client, upstream, delayMs, accepted + 2 * delayMs);
    delayed(upstream, client, delayMs, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
