/**
 * The VPN path end to end over real sockets: a script signs in to the real
 * worker (wrangler dev, local D1 and Durable Objects), opens a tunnel
 * session, and sends traffic through the real gateway to a local origin that
 * counts its own bytes; the usage API must then show exactly those bytes.
 */
import http from "node:http";
import { gatewayAudience, PROXY_TOKEN_ISSUER, PROXY_TOKEN_TYPE } from "@cargo-vpn/shared";
import { startGateway } from "@cargo-vpn/gateway";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { startOrigin } from "@cargo-vpn/testkit/origin";
import { httpOverSocket, openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { registerGateway } from "@cargo-vpn/stack";
import { INTERVAL_MS, useLocalStack } from "./harness/local-stack.ts";
import { apiClient, basicAuth, eventually, signUpAndIn, type SignedIn } from "@cargo-vpn/testkit/api-client";
import { devSigningKey } from "@cargo-vpn/testkit/dev-keys";

const env = useLocalStack();
const call = apiClient(() => env.stack.apiUrl);

function openSession(user: SignedIn, locationId = env.stack.gatewayId) {
  return call("POST /v1/tunnel/sessions", { token: user.accessToken, body: { locationId } });
}

async function usageOf(user: SignedIn, sessionId: string) {
  const usage = await call("GET /v1/usage", { token: user.accessToken });
  const session = usage.sessions.find((s) => s.id === sessionId);
  if (!session) throw new Error(`session ${sessionId} is not in the usage history`);
  return session;
}

describe("through the gateway", () => {
  it("lists the local gateway as an online location", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const { locations } = await call("GET /v1/locations", { token: user.accessToken });
    expect(locations).toContainEqual(expect.objectContaining({ id: env.stack.gatewayId, online: true, country: "DE" }));
  });

  it("carries HTTP and CONNECT traffic and the usage API shows exactly the origin's byte counts", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const opened = await openSession(user);
    expect(opened.proxy).toEqual({ scheme: "http", host: "127.0.0.1", port: env.stack.proxy.port });
    const auth = basicAuth(opened.credentials);
    const counted = await startOrigin();

    const viaHttp = await proxiedRequest({ port: env.stack.proxy.port, auth, url: `http://127.0.0.1:${counted.port}/bytes/250000` });
    expect(viaHttp.status).toBe(200);
    expect(viaHttp.body.length).toBe(250_000);
    const tunnel = await openTunnel({ port: env.stack.proxy.port, auth, target: `127.0.0.1:${counted.port}` });
    expect(tunnel.status).toBe(200);
    const upload = Buffer.alloc(70_000, 3);
    expect((await httpOverSocket(tunnel.socket, "POST", "/echo", upload)).body.length).toBe(70_000);
    tunnel.socket.destroy();
    await counted.idle();

    // Within one flush interval (plus the API round trip) the API has the exact figures.
    const figures = await eventually(
      async () => {
        const u = await usageOf(user, opened.session.id);
        return u.bytesDown === counted.sent && u.bytesUp === counted.received && u;
      },
      INTERVAL_MS * 2 + 1000,
    );
    expect(figures.bytesDown).toBeGreaterThan(320_000);
    // And they stay exact: nothing is counted twice later.
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 3));
    expect(await usageOf(user, opened.session.id)).toMatchObject({ bytesUp: counted.received, bytesDown: counted.sent });
    await counted.close();
  });

  it("answers 407 without, or with bad, expired, other-audience or access-token credentials", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const opened = await openSession(user);
    const { key, kid } = await devSigningKey();
    const now = Math.floor(Date.now() / 1000);
    const sign = (audience: string, exp: number, typ = PROXY_TOKEN_TYPE) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "ES256", kid, typ })
        .setIssuer(PROXY_TOKEN_ISSUER)
        .setAudience(audience)
        .setSubject(opened.session.id)
        .setIssuedAt(now - 1200)
        .setExpirationTime(exp)
        .sign(key);
    const url = `http://127.0.0.1:${env.origin.port}/bytes/10`;
    const cases: [string, string | undefined][] = [
      ["none", undefined],
      ["garbage", "Basic bm90OmdyZWF0"],
      ["wrong password", basicAuth({ username: opened.credentials.username, password: `${opened.credentials.password.slice(0, -3)}AAA` })],
      ["other session's name", basicAuth({ username: "someone-else", password: opened.credentials.password })],
      ["expired", basicAuth({ username: opened.session.id, password: await sign(gatewayAudience(env.stack.gatewayId), now - 60) })],
      ["other gateway", basicAuth({ username: opened.session.id, password: await sign(gatewayAudience("gw-elsewhere"), now + 600) })],
      ["access token", basicAuth({ username: opened.session.id, password: user.accessToken })],
    ];
    for (const [name, auth] of cases) {
      const res = await proxiedRequest({ port: env.stack.proxy.port, url, ...(auth ? { auth } : {}) });
      expect(res.status, name).toBe(407);
      expect(res.headers["proxy-authenticate"], name).toMatch(/^Basic /);
      const tunnel = await openTunnel({ port: env.stack.proxy.port, target: `127.0.0.1:${env.origin.port}`, ...(auth ? { auth } : {}) });
      expect(tunnel.status, `${name} (CONNECT)`).toBe(407);
    }
    // The real credentials work, renewed ones too.
    expect((await proxiedRequest({ port: env.stack.proxy.port, url, auth: basicAuth(opened.credentials) })).status).toBe(200);
    const renewed = await call("POST /v1/tunnel/sessions/{id}/renew", { token: user.accessToken, params: { id: opened.session.id } });
    expect((await proxiedRequest({ port: env.stack.proxy.port, url, auth: basicAuth(renewed.credentials) })).status).toBe(200);
  });

  it("a session ended through the API stops passing traffic within one heartbeat", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const opened = await openSession(user);
    const auth = basicAuth(opened.credentials);
    const tunnel = await openTunnel({ port: env.stack.proxy.port, auth, target: `127.0.0.1:${env.origin.port}` });
    expect(tunnel.status).toBe(200);
    const closed = new Promise<number>((resolve) => tunnel.socket.once("close", () => resolve(Date.now())));
    tunnel.socket.resume();

    const endedAt = Date.now();
    await call("POST /v1/tunnel/sessions/{id}/end", { token: user.accessToken, params: { id: opened.session.id } });
    const droppedAt = await closed;
    // One heartbeat (every INTERVAL_MS), plus the API round trip on a busy two-core machine.
    expect(droppedAt - endedAt).toBeLessThan(INTERVAL_MS * 2 + 1500);
    const after = await proxiedRequest({ port: env.stack.proxy.port, auth, url: `http://127.0.0.1:${env.origin.port}/bytes/10` });
    expect(after.status).toBe(407);
  });

  it("signing out ends the session at the gateway too", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const opened = await openSession(user);
    const auth = basicAuth(opened.credentials);
    expect((await proxiedRequest({ port: env.stack.proxy.port, auth, url: `http://127.0.0.1:${env.origin.port}/bytes/10` })).status).toBe(
      200,
    );
    await call("POST /v1/auth/logout", { token: user.accessToken });
    await eventually(
      async () =>
        (await proxiedRequest({ port: env.stack.proxy.port, auth, url: `http://127.0.0.1:${env.origin.port}/bytes/10` })).status === 407,
      INTERVAL_MS * 4,
    );
  });

  it("refuses private, link-local and metadata destinations with a clear error", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const auth = basicAuth((await openSession(user)).credentials);
    for (const target of [
      "10.1.2.3:80",
      "192.168.1.1:80",
      "172.16.0.1:80",
      "169.254.169.254:80",
      "[fd00:ec2::254]:80",
      "100.64.0.1:80",
      "[::ffff:10.0.0.1]:80",
    ]) {
      const tunnel = await openTunnel({ port: env.stack.proxy.port, auth, target });
      expect(tunnel.status, target).toBe(403);
      expect(tunnel.body.length, target).toBeGreaterThan(10);
      const res = await proxiedRequest({ port: env.stack.proxy.port, auth, url: `http://${target}/latest/meta-data/` });
      expect(res.status, target).toBe(403);
    }
  });
});

describe("usage reporting under failure", () => {
  it("a usage batch whose answer is lost is retried and still counted once", async () => {
    // A gateway whose API calls pass through a relay that loses the answer to the first usage batch.
    let lost = 0;
    const relay = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(env.stack.apiUrl + req.url, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => ["authorization", "content-type"].includes(k)) as [string, string][],
        ),
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (req.url === "/v1/gateway/usage" && lost === 0 && body.includes('"accepted":1')) {
        lost += 1;
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(body);
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    const relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
    const port = await freePort();
    const identity = await registerGateway({ persistTo: env.state }, port, "Flaky path gateway");
    const gateway = await startGateway({
      apiUrl: relayUrl,
      gatewayId: identity.id,
      gatewaySecret: identity.secret,
      port,
      allowLoopback: true,
      flushIntervalMs: 60_000,
      heartbeatIntervalMs: 60_000,
    });
    try {
      await gateway.heartbeat();
      const user = await signUpAndIn(env.stack.apiUrl);
      const opened = await openSession(user, identity.id);
      const counted = await startOrigin();
      const res = await proxiedRequest({ port, auth: basicAuth(opened.credentials), url: `http://127.0.0.1:${counted.port}/bytes/40000` });
      expect(res.status).toBe(200);
      await counted.idle();
      expect(await gateway.flush()).toBe(false); // applied by the worker, answer lost
      expect(lost).toBe(1);
      expect(await gateway.flush()).toBe(true); // the same batchId again: acknowledged, not counted
      expect(await usageOf(user, opened.session.id)).toMatchObject({ bytesUp: counted.received, bytesDown: counted.sent });
      await counted.close();
    } finally {
      await gateway.close();
      relay.close();
    }
  });
});
