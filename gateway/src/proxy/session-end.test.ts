/**
 * `POST /session/end` over real sockets (plain, both TLS listeners and h2): the holder of a
 * credential ends its session at once. Its open tunnel is cut and the same
 * credential then gets a 407 "session has ended", without a heartbeat in
 * between (the test gateway beats once an hour). Without a valid credential
 * nothing ends and the answer is 401; an ended or expired one answers 204 again.
 */
import http from "node:http";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectH2 } from "@cargo-vpn/testkit/h2-proxy-client";
import { type Origin, startOrigin } from "@cargo-vpn/testkit/origin";
import { openTunnel } from "@cargo-vpn/testkit/proxy-client";
import { startTestGateway, type TestGateway, waitFor } from "../test-gateway.test-support";
import { GATEWAY_SESSION_END_PATH as SESSION_END_PATH } from "@cargo-vpn/shared/schemas";

let harness: TestGateway;
let origin: Origin;

beforeAll(async () => {
  harness = await startTestGateway({ http1Port: true });
  origin = await startOrigin();
});
afterAll(async () => {
  await harness.close();
  await origin.close();
});

/** POST /session/end on the plain listener, or on a TLS one: "tls" (tls.port) or "http1" (tls.http1Port). */
function endOverHttp(authorization: string | undefined, listener?: "tls" | "http1"): Promise<{ status: number; body: string }> {
  const { gateway, cert } = harness;
  const tls = listener !== undefined;
  const options = {
    host: "127.0.0.1",
    port: listener === "tls" ? gateway.tlsPort! : listener === "http1" ? harness.http1Endpoint().port : gateway.port,
    path: SESSION_END_PATH,
    method: "POST",
    headers: authorization ? { authorization } : {},
    ...(tls ? { ca: cert.cert } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).request(options, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function endOverH2(authorization: string): Promise<number> {
  const session = await connectH2(harness.endpoint());
  try {
    const stream = session.request({ ":method": "POST", ":path": SESSION_END_PATH, authorization }, { endStream: true });
    return await new Promise<number>((resolve, reject) => {
      stream.on("response", (headers) => resolve(Number(headers[":status"])));
      stream.on("error", reject);
    });
  } finally {
    session.close();
  }
}

/** An open tunnel to the origin on `auth`, and a promise of its close. */
async function openTunnelOf(auth: string) {
  const tunnel = await openTunnel({ port: harness.gateway.port, auth, target: `127.0.0.1:${origin.port}` });
  expect(tunnel.status).toBe(200);
  const closed = new Promise<void>((resolve) => tunnel.socket.once("close", () => resolve()));
  tunnel.socket.resume();
  return { tunnel, closed };
}

describe("POST /session/end", () => {
  for (const [name, end] of [
    ["plain HTTP/1.1", (auth: string) => endOverHttp(auth).then((a) => a.status)],
    ["TLS HTTP/1.1", (auth: string) => endOverHttp(auth, "tls").then((a) => a.status)],
    ["the http/1.1-only TLS listener", (auth: string) => endOverHttp(auth, "http1").then((a) => a.status)],
    ["h2", endOverH2],
  ] as const) {
    it(`over ${name}: cuts the session's tunnel and refuses its credential from then on, before any heartbeat`, async () => {
      const sessionId = `s-end-${name.replace(/\W/g, "")}`;
      const auth = await harness.api.proxyAuthorization(sessionId);
      const other = await harness.api.proxyAuthorization(`${sessionId}-other`);
      const { closed } = await openTunnelOf(auth);
      const { tunnel: otherTunnel } = await openTunnelOf(other);
      const beats = harness.api.heartbeats.length;

      expect(await end(auth)).toBe(204);
      await closed;
      const again = await openTunnel({ port: harness.gateway.port, auth, target: `127.0.0.1:${origin.port}` });
      expect(again.status).toBe(407);
      expect(again.body).toMatch(/session has ended/);
      // Ending twice is harmless, and another session's tunnel is untouched.
      expect(await end(auth)).toBe(204);
      expect(otherTunnel.socket.destroyed).toBe(false);
      expect(harness.api.heartbeats.length).toBe(beats);
      otherTunnel.socket.destroy();
    });
  }

  it("without a valid credential: 401 and nothing ends", async () => {
    const auth = await harness.api.proxyAuthorization("s-end-kept");
    const { tunnel } = await openTunnelOf(auth);
    const forged = `Basic ${Buffer.from("s-end-kept:not-a-credential").toString("base64")}`;
    for (const authorization of [undefined, "Bearer x", forged]) {
      const answer = await endOverHttp(authorization);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatch(/valid tunnel credential/);
    }
    // A credential for another gateway is not valid here either.
    const foreign = await harness.api.proxyAuthorization("s-end-kept", { audience: "gw-elsewhere" });
    expect((await endOverHttp(foreign)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(tunnel.socket.destroyed).toBe(false);
    expect((await openTunnel({ port: harness.gateway.port, auth, target: `127.0.0.1:${origin.port}` })).status).toBe(200);
    tunnel.socket.destroy();
  });

  it("logs the flows it cut, never the session", async () => {
    const sessionId = "s-end-logged";
    const auth = await harness.api.proxyAuthorization(sessionId);
    await openTunnelOf(auth);
    expect(await endOverHttp(auth).then((a) => a.status)).toBe(204);
    await waitFor(() => harness.lines.some((l) => l.includes('"session_ended_by_holder"') && l.includes('"connectionsDropped":1')));
    expect(harness.lines.join("\n")).not.toContain(sessionId);
  });
});
