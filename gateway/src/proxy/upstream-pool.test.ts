/**
 * Pooled destination connections are charged to their session from their
 * first byte until they close, including bytes that arrive between requests.
 */
import net, { type AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { startGateway } from "../gateway";
import { silentLogger } from "../logger";
import { startFakeApi } from "@cargo-vpn/testkit/fake-api";
import { proxiedRequest } from "@cargo-vpn/testkit/proxy-client";

it("charges bytes a destination sends on a pooled connection after the response, until it closes", async () => {
  const api = await startFakeApi();
  const gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger: silentLogger,
  });
  // Answers the request, then sends 5000 unasked bytes on the idle connection and closes it.
  const totals = { received: 0, sent: 0 };
  let closed = false;
  const origin = net.createServer((socket) => {
    socket.on("data", (chunk: Buffer) => {
      if (!chunk.includes("\r\n\r\n")) return;
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      setTimeout(() => socket.end(Buffer.alloc(5000, 120)), 100);
    });
    socket.on("close", () => {
      totals.received += socket.bytesRead;
      totals.sent += socket.bytesWritten;
      closed = true;
    });
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  try {
    const auth = await api.proxyAuthorization("s-unasked");
    const response = await proxiedRequest({ port: gateway.port, auth, url: `http://127.0.0.1:${(origin.address() as AddressInfo).port}/` });
    expect(response.body.toString()).toBe("ok");
    const ends = Date.now() + 5000;
    while (!closed && Date.now() < ends) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await gateway.flush()).toBe(true);
    expect(totals.sent).toBeGreaterThan(5000);
    expect(api.totals("s-unasked")).toEqual({ bytesUp: totals.received, bytesDown: totals.sent });
  } finally {
    origin.close();
    await gateway.close();
    await api.close();
  }
});
