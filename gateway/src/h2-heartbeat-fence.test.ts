/**
 * The heartbeat fence holds on HTTP/2 too: while the API refuses heartbeats,
 * a new CONNECT stream and a new `:scheme http` stream are answered 503 with
 * Retry-After on their stream (the one admission, admission.ts), and both
 * are admitted again once a beat is accepted.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { connectH2, h2Request, h2Tunnel } from "@cargo-vpn/testkit/h2-proxy-client";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { startGateway, type RunningGateway } from "./gateway";
import { memoryLogger } from "./logger";

const cert = selfSignedCert();
let api: FakeApi;
let origin: Origin;
let gateway: RunningGateway;

beforeAll(async () => {
  api = await startFakeApi();
  origin = await startOrigin();
  gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    tls: { port: 0, cert: cert.cert, key: cert.key },
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 100,
    heartbeatMissLimit: 3,
    shutdownGraceMs: 0,
    logger: memoryLogger().logger,
  });
});
afterAll(async () => {
  await gateway.close();
  await api.close();
  await origin.close();
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > ends) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it("answers new h2 streams 503 with Retry-After while heartbeats are missed, and admits them again after an accepted beat", async () => {
  const auth = await api.proxyAuthorization("h2-fence");
  const conn = await connectH2({ port: gateway.tlsPort!, ca: cert.cert });
  try {
    api.refuseHeartbeats();
    await waitFor(() => gateway.refusingNewFlows());
    const tunnel = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth });
    expect(tunnel.status).toBe(503);
    expect(Number(tunnel.headers["retry-after"])).toBeGreaterThan(0);
    expect(tunnel.body).toContain("cannot reach the Cargo API");
    const plain = await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/bytes/10`, auth });
    expect(plain.status).toBe(503);
    expect(Number(plain.headers["retry-after"])).toBeGreaterThan(0);

    api.acceptHeartbeats();
    await waitFor(() => !gateway.refusingNewFlows());
    const again = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth });
    expect(again.status).toBe(200);
    again.stream.close();
  } finally {
    conn.close();
  }
});
