/**
 * The gateway over real sockets: a fake API (JWKS, heartbeats, usage), a
 * local origin that counts its own bytes, and a client that speaks to the
 * gateway the way a browser does, on the plain and the TLS listeners (also
 * the http/1.1-only one, `tls.http1Port`).
 */
import { once } from "node:events";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "./gateway";
import { JWKS_RETRY_AFTER_SEC } from "./proxy/admission";
import { systemResolver, type Resolver } from "./policy/destination-policy";
import { basicAuth, startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { httpOverSocket, openTunnel, proxiedRequest, type ProxyEndpoint } from "@cargo-vpn/testkit/proxy-client";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { startTestGateway, type TestGatewayOptions } from "./test-gateway.test-support";

const tls = selfSignedCert();

/** How often each name was resolved, to show the gateway resolves once per request. */
const lookups = new Map<string, number>();

/** Test names that resolve to chosen addresses; everything else goes to the system resolver. */
const testResolver: Resolver = async (name) => {
  lookups.set(name, (lookups.get(name) ?? 0) + 1);
  // A rebinding name: harmless at the first lookup, internal at every later one.
  if (name === "rebind.test") {
    return [{ address: lookups.get(name) === 1 ? "127.0.0.1" : "10.0.0.1", family: 4 }];
  }
  if (name === "internal.test") return [{ address: "10.20.30.40", family: 4 }];
  if (name === "metadata.test") return [{ address: "169.254.169.254", family: 4 }];
  if (name === "mapped.test") return [{ address: "::ffff:192.168.1.1", family: 6 }];
  return systemResolver(name);
};

/** An origin that answers with the request headers it received, as JSON. */
async function startHeaderEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => res.end(JSON.stringify(req.headers)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > ends) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Harness {
  api: FakeApi;
  gateway: RunningGateway;
  lines: string[];
  plain: ProxyEndpoint;
  secure: ProxyEndpoint;
  /** The http/1.1-only TLS listener (Firefox's), with `http1Port`. */
  http1?: ProxyEndpoint;
}

async function harness(options: TestGatewayOptions = {}): Promise<Harness> {
  const { api, gateway, lines } = await startTestGateway({ cert: tls, resolver: testResolver, ...options });
  return {
    api,
    gateway,
    lines,
    plain: { port: gateway.port },
    secure: { port: gateway.tlsPort!, ca: tls.cert },
    ...(gateway.tlsHttp1Port === undefined ? {} : { http1: { port: gateway.tlsHttp1Port, ca: tls.cert } }),
  };
}

describe("gateway carrying traffic", () => {
  let h: Harness;
  let origin: Origin;
  const allLines: string[] = [];
  const destinationsSeen: string[] = [];

  beforeAll(async () => {
    h = await harness({ http1Port: true });
    origin = await startOrigin();
    destinationsSeen.push(`127.0.0.1:${origin.port}`, String(origin.port));
  });
  afterAll(async () => {
    await h.gateway.close();
    await h.api.close();
    await origin.close();
  });

  const listeners = () =>
    [
      ["plain", h.plain],
      ["TLS", h.secure],
      ["TLS http/1.1 only", h.http1!],
    ] as const;

  it("forwards absolute-URI requests to the origin on the plain and both TLS listeners", async () => {
    const auth = await h.api.proxyAuthorization("s-http");
    for (const [, endpoint] of listeners()) {
      const response = await proxiedRequest({ ...endpoint, auth, url: `http://127.0.0.1:${origin.port}/bytes/1234` });
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(1234);
      const echo = await proxiedRequest({
        ...endpoint,
        auth,
        method: "POST",
        url: `http://127.0.0.1:${origin.port}/echo`,
        body: Buffer.from("hello through the gateway"),
      });
      expect(echo.body.toString()).toBe("hello through the gateway");
    }
  });

  it("opens CONNECT tunnels to the origin on the plain and both TLS listeners", async () => {
    const auth = await h.api.proxyAuthorization("s-connect");
    for (const [, endpoint] of listeners()) {
      const tunnel = await openTunnel({ ...endpoint, auth, target: `127.0.0.1:${origin.port}` });
      expect(tunnel.status).toBe(200);
      const response = await httpOverSocket(tunnel.socket, "GET", "/bytes/70000");
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(70000);
      tunnel.socket.destroy();
    }
  });

  it("answers 407 with a Basic challenge to every credential that is not a valid proxy credential for this gateway", async () => {
    const session = "s-bad";
    const api = h.api;
    const other = await startFakeApi("gw-other");
    const cases: Array<[string, string | undefined]> = [
      ["missing", undefined],
      ["not Basic", `Bearer ${await api.credential(session)}`],
      ["Basic without a password", basicAuth(session, "").replace(/=*$/, "")],
      ["Basic that is not base64", "Basic !!!"],
      ["bad signature", await api.proxyAuthorization(session, { rogueKey: true })],
      ["expired", await api.proxyAuthorization(session, { expiresIn: -60, issuedAgo: 600 })],
      ["other gateway's audience", await api.proxyAuthorization(session, { audience: "cargo-gateway:gw-other" })],
      ["API access token", basicAuth(session, await api.accessToken(session))],
      ["access-token typ with the gateway audience", await api.proxyAuthorization(session, { typ: "at+jwt" })],
      ["alg none", basicAuth(session, api.unsignedToken(session))],
      ["username is not the credential's session", basicAuth("s-someone-else", await api.credential(session))],
      ["lifetime over 15 minutes", await api.proxyAuthorization(session, { expiresIn: 1200 })],
      ["other issuer", await api.proxyAuthorization(session, { issuer: "https://evil.example" })],
      ["no kid", await api.proxyAuthorization(session, { kid: null })],
      ["signed by a key this gateway does not trust", await other.proxyAuthorization(session)],
    ];
    await other.close();
    const before = origin.received;
    for (const [name, auth] of cases) {
      for (const [listener, endpoint] of listeners()) {
        const tunnel = await openTunnel({ ...endpoint, auth, target: `127.0.0.1:${origin.port}` });
        expect(tunnel.status, `${name} (CONNECT, ${listener})`).toBe(407);
        expect(tunnel.head).toMatch(/\r\nProxy-Authenticate: Basic realm="Cargo VPN"/);
        const response = await proxiedRequest({ ...endpoint, auth, url: `http://127.0.0.1:${origin.port}/bytes/10` });
        expect(response.status, `${name} (absolute URI, ${listener})`).toBe(407);
        expect(response.headers["proxy-authenticate"]).toBe('Basic realm="Cargo VPN"');
      }
    }
    expect(origin.received).toBe(before);
  });

  it("checks a credential's signature once and serves later requests and tunnels from the cache", async () => {
    const auth = await h.api.proxyAuthorization("s-cache");
    const url = `http://127.0.0.1:${origin.port}/bytes/1`;
    expect((await proxiedRequest({ ...h.plain, auth, url })).status).toBe(200);
    const checks = h.gateway.stats().signatureChecks;
    for (let i = 0; i < 5; i++) expect((await proxiedRequest({ ...h.plain, auth, url })).status).toBe(200);
    const tunnel = await openTunnel({ ...h.secure, auth, target: `127.0.0.1:${origin.port}` });
    expect(tunnel.status).toBe(200);
    tunnel.socket.destroy();
    expect(h.gateway.stats().signatureChecks).toBe(checks);
  });

  it("refuses a destination that is not allowed even with loopback allowed (private, metadata, mapped)", async () => {
    const auth = await h.api.proxyAuthorization("s-private");
    for (const [target, cls] of [
      ["10.1.2.3:80", "private"],
      ["169.254.169.254:80", "metadata"],
      ["[::ffff:10.0.0.1]:443", "private"],
      ["internal.test:443", "private"],
    ] as const) {
      const tunnel = await openTunnel({ ...h.plain, auth, target });
      expect(tunnel.status, target).toBe(403);
      expect(tunnel.body).toContain(cls);
    }
  });

  it("resolves a name once and connects to the address it checked (no DNS rebinding)", async () => {
    const auth = await h.api.proxyAuthorization("s-rebind");
    lookups.delete("rebind.test");
    const tunnel = await openTunnel({ ...h.plain, auth, target: `rebind.test:${origin.port}` });
    expect(tunnel.status).toBe(200);
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/5")).body.length).toBe(5);
    tunnel.socket.destroy();
    expect(lookups.get("rebind.test")).toBe(1);
    // The next lookup answers an internal address, and is refused.
    expect((await openTunnel({ ...h.plain, auth, target: `rebind.test:${origin.port}` })).status).toBe(403);
    expect(lookups.get("rebind.test")).toBe(2);
  });

  it("sends the URL's authority as Host and strips the proxy's own headers", async () => {
    const auth = await h.api.proxyAuthorization("s-headers");
    const seen = await startHeaderEcho();
    const response = await proxiedRequest({
      ...h.plain,
      auth,
      url: `http://127.0.0.1:${seen.port}/x?y=1`,
      headers: { host: "wrong.example", "proxy-connection": "keep-alive", "x-kept": "1", connection: "x-dropped", "x-dropped": "1" },
    });
    const headers = JSON.parse(response.body.toString()) as Record<string, string>;
    expect(headers.host).toBe(`127.0.0.1:${seen.port}`);
    expect(headers["x-kept"]).toBe("1");
    for (const name of ["proxy-authorization", "proxy-connection", "x-dropped"]) expect(headers[name]).toBeUndefined();
    await seen.close();
  });

  it("reuses a session's connections to an http destination, never across sessions, and closes them when it ends", async () => {
    const pooled = await startOrigin({ keepAliveTimeoutMs: 10_000 });
    const url = `http://127.0.0.1:${pooled.port}/bytes/3000`;
    const alice = await h.api.proxyAuthorization("s-pool-a");
    const bob = await h.api.proxyAuthorization("s-pool-b");
    for (let i = 0; i < 3; i++) expect((await proxiedRequest({ ...h.plain, auth: alice, url })).status).toBe(200);
    expect(pooled.accepted).toBe(1);
    expect((await proxiedRequest({ ...h.secure, auth: bob, url })).status).toBe(200);
    expect(pooled.accepted).toBe(2);

    await waitFor(() => h.gateway.stats().openFlows === 0);
    expect(await h.gateway.flush()).toBe(true);
    const a = h.api.totals("s-pool-a");
    const b = h.api.totals("s-pool-b");
    expect(a.bytesDown).toBeGreaterThan(3 * 3000);
    expect(b.bytesDown).toBeGreaterThan(3000);
    // Both pooled connections are still open at the origin: compare with its live counters.
    h.api.revoked.add("s-pool-a");
    h.api.revoked.add("s-pool-b");
    await h.gateway.heartbeat();
    await pooled.idle();
    expect({ up: a.bytesUp + b.bytesUp, down: a.bytesDown + b.bytesDown }).toEqual({
      up: pooled.received,
      down: pooled.sent,
    });
    expect(h.gateway.stats().pooledConnections).toBe(0);
    await pooled.close();
  });

  it("resends a GET once on a fresh connection when a pooled one turns out to be closed", async () => {
    // Answers the first request of each connection and resets the connection at the second,
    // the way an origin's keep-alive timeout races a reused connection.
    let connections = 0;
    const flaky = net.createServer((socket) => {
      connections++;
      let requests = 0;
      socket.on("data", (chunk: Buffer) => {
        if (!chunk.includes("\r\n\r\n")) return;
        if (++requests === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        else socket.resetAndDestroy();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const auth = await h.api.proxyAuthorization("s-stale");
      const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`;
      for (let i = 0; i < 3; i++) {
        const response = await proxiedRequest({ ...h.plain, auth, url });
        expect(response.status).toBe(200);
        expect(response.body.toString()).toBe("ok");
      }
      expect(connections).toBe(3);
    } finally {
      flaky.close();
    }
  });

  describe("usage", () => {
    it("reports exactly the bytes the origin received and sent, over CONNECT and absolute URIs, plain and both TLS listeners", async () => {
      const counted = await startOrigin();
      const session = "s-usage";
      const auth = await h.api.proxyAuthorization(session);
      const upload = Buffer.alloc(300_000, 7);
      for (const [, endpoint] of listeners()) {
        const download = await openTunnel({ ...endpoint, auth, target: `127.0.0.1:${counted.port}` });
        expect((await httpOverSocket(download.socket, "GET", "/bytes/2000000")).body.length).toBe(2_000_000);
        const echo = await openTunnel({ ...endpoint, auth, target: `127.0.0.1:${counted.port}` });
        expect((await httpOverSocket(echo.socket, "POST", "/echo", upload)).body.length).toBe(upload.length);
        const url = `http://127.0.0.1:${counted.port}`;
        expect((await proxiedRequest({ ...endpoint, auth, url: `${url}/bytes/123456` })).body.length).toBe(123456);
        await proxiedRequest({ ...endpoint, auth, method: "POST", url: `${url}/echo`, body: upload });
      }
      await counted.idle();
      await waitFor(() => h.gateway.stats().openFlows === 0);
      expect(await h.gateway.flush()).toBe(true);
      expect(counted.sent).toBeGreaterThan(4_000_000);
      expect(h.api.totals(session)).toEqual({ bytesUp: counted.received, bytesDown: counted.sent });
      await counted.close();
    });

    it("resends a failed batch with the same batchId, and counts every byte once", async () => {
      const counted = await startOrigin();
      const session = "s-retry";
      const auth = await h.api.proxyAuthorization(session);
      const url = `http://127.0.0.1:${counted.port}/bytes/50000`;
      const requestsBefore = h.api.usageRequests.length;

      // The first attempt lands but its answer is lost; the second is refused outright.
      h.api.failUsage(2, { applyFirst: true });
      await proxiedRequest({ ...h.plain, auth, url });
      expect(await h.gateway.flush()).toBe(false);
      // Bytes moved while the batch is outstanding go into a later batch.
      await proxiedRequest({ ...h.plain, auth, url });
      expect(await h.gateway.flush()).toBe(false);
      h.api.failUsage(1, { applyFirst: false });
      expect(await h.gateway.flush()).toBe(false);
      expect(await h.gateway.flush()).toBe(true);

      await counted.idle();
      await waitFor(() => h.gateway.stats().openFlows === 0);
      expect(await h.gateway.flush()).toBe(true);
      const sent = h.api.usageRequests.slice(requestsBefore).filter((b) => b.reports.some((r) => r.sessionId === session));
      // three failed attempts and one success of the first batch, all under one batchId
      expect(sent.slice(0, 4).map((b) => b.batchId)).toEqual(Array(4).fill(sent[0]!.batchId));
      expect(new Set(sent.map((b) => b.batchId)).size).toBeGreaterThanOrEqual(2);
      expect(h.api.totals(session)).toEqual({ bytesUp: counted.received, bytesDown: counted.sent });
      await counted.close();
    });
  });

  it("drops a revoked session's open tunnel at the next heartbeat and refuses it afterwards", async () => {
    const auth = await h.api.proxyAuthorization("s-revoked");
    const bystander = await h.api.proxyAuthorization("s-bystander");
    const tunnel = await openTunnel({ ...h.plain, auth, target: `127.0.0.1:${origin.port}` });
    const other = await openTunnel({ ...h.secure, auth: bystander, target: `127.0.0.1:${origin.port}` });
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/10")).status).toBe(200);
    const closed = once(tunnel.socket, "close");
    // Every beat names the sessions the gateway carries, so the API can revoke ones it no longer knows.
    expect(await h.gateway.heartbeat()).toBe(true);
    expect(h.api.heartbeats.at(-1)?.sessions).toEqual(expect.arrayContaining(["s-revoked"]));

    h.api.revoked.add("s-revoked");
    expect(await h.gateway.heartbeat()).toBe(true);
    await closed;

    expect((await openTunnel({ ...h.plain, auth, target: `127.0.0.1:${origin.port}` })).status).toBe(407);
    const url = `http://127.0.0.1:${origin.port}/bytes/10`;
    expect((await proxiedRequest({ ...h.secure, auth, url })).status).toBe(407);
    expect((await httpOverSocket(other.socket, "GET", "/bytes/10")).status).toBe(200);
    other.socket.destroy();
    expect(h.api.heartbeats.at(-1)).toEqual({ activeSessions: expect.any(Number), load: expect.any(Number), sessions: expect.any(Array) });
    expect(await h.gateway.heartbeat()).toBe(true);
    expect(h.api.heartbeats.at(-1)?.sessions).not.toContain("s-revoked");
  });

  it("answers 431 to a request head larger than the limit", async () => {
    const auth = await h.api.proxyAuthorization("s-header");
    const tunnel = await openTunnel({
      ...h.plain,
      auth,
      target: `127.0.0.1:${origin.port}`,
      extraHeaders: `X-Padding: ${"a".repeat(20_000)}\r\n`,
    });
    expect(tunnel.status).toBe(431);
  });

  it("logs no destination, URL or client address", async () => {
    allLines.push(...h.lines);
    expect(allLines.length).toBeGreaterThan(5);
    const text = allLines.join("\n");
    for (const needle of [
      "127.0.0.1",
      "::1",
      "internal.test",
      "/bytes",
      "/echo",
      "http://",
      "10.1.2.3",
      "169.254",
      "rebind.test",
      "wrong.example",
      "/x?y",
      ...destinationsSeen,
    ]) {
      expect(text).not.toContain(needle);
    }
    expect(text).not.toMatch(/s-(usage|retry|revoked|http|connect)/);
  });
});

describe("gateway safety limits", () => {
  it("refuses loopback, private, link-local, CGNAT, multicast and metadata destinations by resolved address", async () => {
    const origin = await startOrigin();
    // The origin's port is listed so that the address, not the port policy, is what refuses.
    const h = await harness({ allowLoopback: false, allowedPorts: String(origin.port) });
    try {
      const auth = await h.api.proxyAuthorization("s-policy");
      const refusals: Array<[string, string]> = [
        [`127.0.0.1:${origin.port}`, "loopback"],
        [`localhost:${origin.port}`, "loopback"],
        [`[::1]:${origin.port}`, "loopback"],
        [`[::ffff:127.0.0.1]:${origin.port}`, "loopback"],
        [`[::ffff:7f00:1]:${origin.port}`, "loopback"],
        ["10.0.0.1:80", "private"],
        ["192.168.0.10:443", "private"],
        ["172.16.5.5:443", "private"],
        ["internal.test:443", "private"],
        ["mapped.test:443", "private"],
        ["100.64.1.1:443", "cgnat"],
        ["169.254.10.10:80", "link-local"],
        ["[fe80::1]:80", "link-local"],
        ["224.0.0.1:80", "multicast"],
        ["0.0.0.0:80", "unspecified"],
        ["169.254.169.254:80", "metadata"],
        ["metadata.test:80", "metadata"],
        ["[fd00:ec2::254]:80", "metadata"],
        ["[::ffff:169.254.169.254]:80", "metadata"],
        ["[64:ff9b::a9fe:a9fe]:80", "metadata"],
        ["[fd12:3456::1]:80", "private"],
      ];
      for (const [target, cls] of refusals) {
        const tunnel = await openTunnel({ ...h.plain, auth, target });
        expect(tunnel.status, target).toBe(403);
        expect(tunnel.body, target).toContain(`${cls} addresses`);
        expect(tunnel.body).not.toContain(target.slice(0, target.lastIndexOf(":")).replace(/[[\]]/g, ""));
      }
      for (const [url, cls] of [
        [`http://127.0.0.1:${origin.port}/bytes/1`, "loopback"],
        [`http://localhost:${origin.port}/bytes/1`, "loopback"],
        ["http://169.254.169.254/latest/meta-data/", "metadata"],
        ["http://[::ffff:10.0.0.1]/", "private"],
        ["http://internal.test/", "private"],
      ] as const) {
        const response = await proxiedRequest({ ...h.secure, auth, url });
        expect(response.status, url).toBe(403);
        expect(response.body.toString()).toContain(`${cls} addresses`);
      }
      expect(origin.received).toBe(0);
      expect(h.lines.join("\n")).not.toMatch(/127\.0\.0\.1|localhost|internal\.test|169\.254|meta-data/);
    } finally {
      await h.gateway.close();
      await h.api.close();
      await origin.close();
    }
  });

  it("caps open flows (tunnels and requests) per session", async () => {
    const h = await harness({ maxFlowsPerSession: 2 });
    const origin = await startOrigin();
    try {
      const auth = await h.api.proxyAuthorization("s-capped");
      const target = `127.0.0.1:${origin.port}`;
      const first = await openTunnel({ ...h.plain, auth, target });
      const second = await openTunnel({ ...h.secure, auth, target });
      expect([first.status, second.status]).toEqual([200, 200]);
      const third = await openTunnel({ ...h.plain, auth, target });
      expect(third.status).toBe(429);
      const url = `http://${target}/bytes/1`;
      expect((await proxiedRequest({ ...h.plain, auth, url })).status).toBe(429);
      // Another session is not affected.
      const other = await openTunnel({ ...h.plain, auth: await h.api.proxyAuthorization("s-free"), target });
      expect(other.status).toBe(200);
      first.socket.destroy();
      await waitFor(() => h.gateway.stats().openFlows === 2);
      const fourth = await openTunnel({ ...h.plain, auth, target });
      expect(fourth.status).toBe(200);
      for (const t of [second, other, fourth]) t.socket.destroy();
    } finally {
      await h.gateway.close();
      await h.api.close();
      await origin.close();
    }
  });

  it("answers 503 with Retry-After while the API's JWKS cannot be fetched, on CONNECT and absolute URIs", async () => {
    // The key set is out of reach (what fetch throws when the API cannot be reached).
    const h = await harness({
      jwks: async () => {
        throw new TypeError("fetch failed");
      },
    });
    try {
      const auth = await h.api.proxyAuthorization("s-no-jwks");
      const target = "127.0.0.1:9";
      const tunnel = await openTunnel({ ...h.plain, auth, target });
      expect(tunnel.status).toBe(503);
      expect(tunnel.head).toMatch(new RegExp(`\r\nRetry-After: ${JWKS_RETRY_AFTER_SEC}(\r\n|$)`, "i"));
      const request = await proxiedRequest({ ...h.secure, auth, url: `http://${target}/` });
      expect(request.status).toBe(503);
      expect(request.headers["retry-after"]).toBe(String(JWKS_RETRY_AFTER_SEC));
    } finally {
      await h.gateway.close();
      await h.api.close();
    }
  });

  it("drops a session's tunnels when its credential expires, unless a renewed credential was presented", async () => {
    const h = await harness({ clockToleranceSec: 0 });
    const origin = await startOrigin();
    try {
      const target = `127.0.0.1:${origin.port}`;
      const shortLived = await h.api.proxyAuthorization("s-expiring", { expiresIn: 2 });
      const renewedFirst = await h.api.proxyAuthorization("s-renewed", { expiresIn: 2 });
      const expiring = await openTunnel({ ...h.plain, auth: shortLived, target });
      const renewed = await openTunnel({ ...h.plain, auth: renewedFirst, target });
      expect([expiring.status, renewed.status]).toEqual([200, 200]);
      const expiringClosed = once(expiring.socket, "close");
      // The browser answers a later challenge with the renewed password.
      const renewal = await h.api.proxyAuthorization("s-renewed", { expiresIn: 600 });
      expect((await proxiedRequest({ ...h.plain, auth: renewal, url: `http://${target}/bytes/1` })).status).toBe(200);

      await expiringClosed;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(renewed.socket.destroyed).toBe(false);
      expect((await httpOverSocket(renewed.socket, "GET", "/bytes/100")).body.length).toBe(100);
      expect((await openTunnel({ ...h.plain, auth: shortLived, target })).status).toBe(407);
      renewed.socket.destroy();
    } finally {
      await h.gateway.close();
      await h.api.close();
      await origin.close();
    }
  });

  it("closes idle tunnels after the idle timeout", async () => {
    const h = await harness({ idleTimeoutMs: 300 });
    const origin = await startOrigin();
    try {
      const tunnel = await openTunnel({
        ...h.plain,
        auth: await h.api.proxyAuthorization("s-idle"),
        target: `127.0.0.1:${origin.port}`,
      });
      expect(tunnel.status).toBe(200);
      const started = Date.now();
      await once(tunnel.socket, "close");
      // Not before the idle timeout (a busy machine only makes it later); the default
      // timeout (two minutes) would outlast the test, so closing at all proves it applied.
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await h.gateway.close();
      await h.api.close();
      await origin.close();
    }
  });

  it("keeps a tunnel whose destination trickles bytes open past the idle timeout", async () => {
    const h = await harness({ idleTimeoutMs: 400 });
    const trickle = net.createServer((socket) => {
      let sent = 0;
      const timer = setInterval(() => {
        socket.write("x");
        if (++sent === 12) {
          clearInterval(timer);
          socket.end();
        }
      }, 100);
      socket.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickle.listen(0, "127.0.0.1", resolve));
    try {
      const tunnel = await openTunnel({
        ...h.plain,
        auth: await h.api.proxyAuthorization("s-trickle"),
        target: `127.0.0.1:${(trickle.address() as AddressInfo).port}`,
      });
      let received = "";
      tunnel.socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
      tunnel.socket.resume();
      await once(tunnel.socket, "end");
      expect(received).toBe("x".repeat(12));
    } finally {
      await h.gateway.close();
      await h.api.close();
      trickle.close();
    }
  });

  it("on graceful shutdown stops accepting, cuts open tunnels and flushes their bytes", async () => {
    const h = await harness({ shutdownGraceMs: 200 });
    const origin = await startOrigin();
    const session = "s-shutdown";
    const auth = await h.api.proxyAuthorization(session);
    const tunnel = await openTunnel({ ...h.plain, auth, target: `127.0.0.1:${origin.port}` });
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/654321")).body.length).toBe(654321);
    await proxiedRequest({ ...h.secure, auth, url: `http://127.0.0.1:${origin.port}/bytes/1000` });
    expect(h.api.usageRequests).toHaveLength(0);

    await h.gateway.close();
    await origin.idle();
    expect(h.api.totals(session)).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
    expect(tunnel.socket.destroyed || tunnel.socket.readableEnded).toBe(true);
    await expect(openTunnel({ ...h.plain, auth, target: `127.0.0.1:${origin.port}` })).rejects.toThrow();
    await h.api.close();
    await origin.close();
  });
});
