/**
 * The heartbeat fence holds on HTTP/2 too: while the API refuses heartbeats,
 * a new CONNECT stream and a new `:scheme http` stream are answered 503 with
 * Retry-After on their stream (the one admission, admission.ts), and both
 * are admitted again once a beat is accepted.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectH2, h2Request, h2Tunnel } from "@cargo-vpn/testkit/h2-proxy-client";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { startTestGateway, waitFor, type TestGateway } from "../../test-gateway.test-support";

let h2: TestGateway;
let origin: Origin;

beforeAll(async () => {
  h2 = await startTestGateway({ heartbeatIntervalMs: 100, heartbeatMissLimit: 3 });
  origin = await startOrigin();
});
afterAll(async () => {
  await h2.close();
  await origin.close();
});

it("answers new h2 streams 503 with Retry-After while heartbeats are missed, and admits them again after an accepted beat", async () => {
  const auth = await h2.api.proxyAuthorization("h2-fence");
  const conn = await connectH2(h2.endpoint());
  try {
    h2.api.refuseHeartbeats();
    await waitFor(() => h2.gateway.refusingNewFlows(), 15_000, 25);
    const tunnel = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth });
    expect(tunnel.status).toBe(503);
    expect(Number(tunnel.headers["retry-after"])).toBeGreaterThan(0);
    expect(tunnel.body).toContain("cannot reach the Cargo API");
    const plain = await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/bytes/10`, auth });
    expect(plain.status).toBe(503);
    expect(Number(plain.headers["retry-after"])).toBeGreaterThan(0);

    h2.api.acceptHeartbeats();
    await waitFor(() => !h2.gateway.refusingNewFlows(), 15_000, 25);
    const again = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth });
    expect(again.status).toBe(200);
    again.stream.close();
  } finally {
    conn.close();
  }
});
