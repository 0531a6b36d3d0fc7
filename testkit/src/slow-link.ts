/**
 * A TCP forwarder on loopback that holds each chunk from the client for
 * `delayMs` before passing it on: a real gateway behind it looks `delayMs`
 * further away (one round trip per request), so a test can tell a near and a
 * far location apart by measurement alone.
 *
 *   const far = await startSlowLink(gateway.port, 80);   // far.port: what to register as the location
 *   await far.close();
 */
import net from "node:net";

export interface SlowLink {
  port: number;
  close(): Promise<void>;
}

export async function startSlowLink(targetPort: number, delayMs: number): Promise<SlowLink> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Chunks keep their order: each waits the same delay from its arrival.
    client.on("data", (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    client.on("end", () => setTimeout(() => upstream.end(), delayMs));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
