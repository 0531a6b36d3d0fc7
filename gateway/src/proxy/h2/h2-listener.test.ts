/**
 * HTTP/2 on the TLS listener over real sockets, with node:http2 clients
 * doing what Chromium and Firefox do with an HTTPS proxy that offers h2:
 * tunnels as CONNECT streams on one connection, plain http:// as streams with
 * an authority. The same admission, cap, counting and revocation as HTTP/1.1.
 */
import { once } from "node:events";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, waitFor, type TestGateway } from "../../test-gateway.test-support";
import { renderMetrics } from "../../admin/metrics-text";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { connectH2, h2Request, h2Tunnel, httpOverStream } from "@cargo-vpn/testkit/h2-proxy-client";

let h2: TestGateway;
let api: TestGateway["api"];
let gateway: TestGateway["gateway"];
let cert: TestGateway["cert"];
let lines: string[];
const origins: Origin[] = [];

async function newOrigin(): Promise<Origin> {
  const origin = await startOrigin();
  origins.push(origin);
  return origin;
}

beforeAll(async () => {
  h2 = await startTestGateway({ maxFlowsPerSession: 3 });
  ({ api, gateway, cert, lines } = h2);
});
afterAll(async () => {
  await h2.close();
  for (const origin of origins) await origin.close();
});

const endpoint = () => ({ port: gateway.tlsPort!, ca: cert.cert });

/** A TLS connection offering `protocols`; the caller closes it (once the server has counted it). */
function negotiated(protocols: string[], port = gateway.tlsPort!): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca: cert.cert, ALPNProtocols: protocols }, () => resolve(socket));
    socket.on("error", reject);
  });
}

const warnedH2WithoutHttp1Port = (lines: string[]) => lines.filter((line) => line.includes('"tls_h2_without_http1_port"'));

describe("ALPN on the TLS listener", () => {
  it("offers h2 and http/1.1, prefers h2, counts connections by protocol, and keeps doing so after a certificate reload", async () => {
    const before = gateway.metrics();
    const sockets = [await negotiated(["http/1.1", "h2"]), await negotiated(["http/1.1"])];
    expect(gateway.reloadTls({ cert: cert.cert, key: cert.key })).toBe(true);
    sockets.push(await negotiated(["h2", "http/1.1"]));
    expect(sockets.map((socket) => socket.alpnProtocol)).toEqual(["h2", "http/1.1", "h2"]);
    // The server counts a connection when its side of the handshake ends, just after the client's.
    await waitFor(() => gateway.metrics().tlsConnectionsH2 - before.tlsConnectionsH2 === 2);
    const after = gateway.metrics();
    expect(after.tlsConnectionsHttp1 - before.tlsConnectionsHttp1).toBe(1);
    for (const socket of sockets) socket.destroy();
    expect(renderMetrics(after)).toContain(`cargo_gateway_tls_connections_total{alpn="h2"} ${after.tlsConnectionsH2}`);
  });

  it("offers only http/1.1 without tls.h2, the default (Firefox's h2 tunnels stall on large downloads)", async () => {
    const plain = await startTestGateway({ cert, h2: false });
    try {
      const socket = await negotiated(["h2", "http/1.1"], plain.gateway.tlsPort!);
      expect(socket.alpnProtocol).toBe("http/1.1");
      await waitFor(() => plain.gateway.metrics().tlsConnectionsHttp1 === 1);
      expect(plain.gateway.metrics().tlsConnectionsH2).toBe(0);
      socket.destroy();
      expect(warnedH2WithoutHttp1Port(plain.lines)).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it("warns once at start when h2 is on with no http/1.1-only port for Firefox", () => {
    const warned = warnedH2WithoutHttp1Port(lines);
    expect(warned).toHaveLength(1);
    expect(JSON.parse(warned[0]!)).toMatchObject({ level: "warn", advice: expect.stringContaining("GATEWAY_TLS_HTTP1_PORT") });
  });

  it("with tls.http1Port, gives h2 on tls.port and http/1.1 on the http1 port to the same offer, counting the latter as http/1.1", async () => {
    const both = await startTestGateway({ cert, http1Port: true });
    try {
      const { port: http1Port } = both.http1Endpoint();
      expect(http1Port).not.toBe(both.gateway.tlsPort);
      const sockets = [await negotiated(["h2", "http/1.1"], both.gateway.tlsPort!), await negotiated(["h2", "http/1.1"], http1Port)];
      // Also after a certificate reload, which rebuilds the http1 port's context too.
      expect(both.gateway.reloadTls({ cert: cert.cert, key: cert.key })).toBe(true);
      sockets.push(await negotiated(["h2", "http/1.1"], http1Port), await negotiated(["h2", "http/1.1"], both.gateway.tlsPort!));
      expect(sockets.map((socket) => socket.alpnProtocol)).toEqual(["h2", "http/1.1", "http/1.1", "h2"]);
      const counted = () => both.gateway.metrics();
      await waitFor(() => counted().tlsConnectionsHttp1 + counted().tlsConnectionsH2 === 4);
      const metrics = counted();
      expect(metrics.tlsConnectionsH2).toBe(2);
      expect(renderMetrics(metrics)).toContain(`cargo_gateway_tls_connections_total{alpn="http/1.1"} 2`);
      for (const socket of sockets) socket.destroy();
      expect(warnedH2WithoutHttp1Port(both.lines)).toEqual([]);
      const started = both.lines.find((line) => line.includes('"gateway_started"'))!;
      expect(JSON.parse(started)).toMatchObject({ tls: true, tlsHttp1: true });
    } finally {
      await both.close();
    }
  });
});

describe("HTTP/2 CONNECT streams", () => {
  it("carries several tunnels of two sessions on one connection and reports each session's bytes exactly", async () => {
    const [a, b] = [await newOrigin(), await newOrigin()];
    const conn = await connectH2(endpoint());
    const [authA, authB] = [await api.proxyAuthorization("h2-usage-a"), await api.proxyAuthorization("h2-usage-b")];
    const tunnels = await Promise.all([
      h2Tunnel(conn, { target: `127.0.0.1:${a.port}`, auth: authA }),
      h2Tunnel(conn, { target: `127.0.0.1:${a.port}`, auth: authA }),
      h2Tunnel(conn, { target: `127.0.0.1:${b.port}`, auth: authB }),
      h2Tunnel(conn, { target: `127.0.0.1:${b.port}`, auth: authB }),
    ]);
    expect(tunnels.map((t) => t.status)).toEqual([200, 200, 200, 200]);
    const sizes = [300_000, 70_000, 1_234_567];
    const upload = Buffer.alloc(200_000, 7);
    const [answers, echoed] = await Promise.all([
      Promise.all(sizes.map((size, i) => httpOverStream(tunnels[i]!.stream, "GET", `/bytes/${size}`))),
      httpOverStream(tunnels[3]!.stream, "POST", "/echo", upload),
    ]);
    expect(answers.map((r) => r.body.length)).toEqual(sizes);
    expect(echoed.body.equals(upload)).toBe(true);
    for (const t of tunnels) t.stream.close();
    await a.idle();
    await b.idle();
    expect(await gateway.flush()).toBe(true);
    expect(api.totals("h2-usage-a")).toEqual({ bytesUp: a.received, bytesDown: a.sent });
    expect(api.totals("h2-usage-b")).toEqual({ bytesUp: b.received, bytesDown: b.sent });
    // One TLS connection carried all three tunnels.
    expect(conn.destroyed).toBe(false);
    conn.close();
  });

  it("answers 407 with proxy-authenticate on the stream, and the connection goes on", async () => {
    const origin = await newOrigin();
    const conn = await connectH2(endpoint());
    const refused = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}` });
    expect(refused.status).toBe(407);
    expect(refused.headers["proxy-authenticate"]).toBe('Basic realm="Cargo VPN"');
    expect(refused.body).toContain("proxy authentication required");
    const expired = await h2Tunnel(conn, {
      target: `127.0.0.1:${origin.port}`,
      auth: await api.proxyAuthorization("h2-407", { expiresIn: -60 }),
    });
    expect(expired.status).toBe(407);
    const plain = await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/bytes/10` });
    expect(plain.status).toBe(407);
    expect(plain.headers["proxy-authenticate"]).toBe('Basic realm="Cargo VPN"');
    const ok = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth: await api.proxyAuthorization("h2-407") });
    expect(ok.status).toBe(200);
    ok.stream.close();
    conn.close();
  });

  it("refuses bad targets, closed ports and internal destinations on the stream with the same answers as HTTP/1.1", async () => {
    const conn = await connectH2(endpoint());
    const auth = await api.proxyAuthorization("h2-policy");
    expect((await h2Tunnel(conn, { target: "no-port-here", auth })).status).toBe(400);
    expect((await h2Tunnel(conn, { target: "10.1.2.3:443", auth })).status).toBe(403);
    const metadata = await h2Request(conn, { url: "http://169.254.169.254/latest/meta-data", auth });
    expect(metadata.status).toBe(403);
    expect(metadata.body.toString()).toContain("metadata");
    conn.close();
  });

  it("holds a session to its flow cap across streams and connections, HTTP/1.1 and h2 alike", async () => {
    const origin = await newOrigin();
    const auth = await api.proxyAuthorization("h2-cap");
    const [one, two] = [await connectH2(endpoint()), await connectH2(endpoint())];
    const open = [
      await h2Tunnel(one, { target: `127.0.0.1:${origin.port}`, auth }),
      await h2Tunnel(one, { target: `127.0.0.1:${origin.port}`, auth }),
      await h2Tunnel(two, { target: `127.0.0.1:${origin.port}`, auth }),
    ];
    expect(open.map((t) => t.status)).toEqual([200, 200, 200]);
    const over = await h2Tunnel(two, { target: `127.0.0.1:${origin.port}`, auth });
    expect(over.status).toBe(429);
    expect((await h2Request(one, { url: `http://127.0.0.1:${origin.port}/bytes/1`, auth })).status).toBe(429);
    // Another session on the same connection is not held back.
    const other = await h2Tunnel(one, { target: `127.0.0.1:${origin.port}`, auth: await api.proxyAuthorization("h2-cap-other") });
    expect(other.status).toBe(200);
    const closed = once(open[0]!.stream, "close");
    open[0]!.stream.close();
    await closed;
    await waitFor(() => gateway.stats().openFlows === 3);
    const again = await h2Tunnel(two, { target: `127.0.0.1:${origin.port}`, auth });
    expect(again.status).toBe(200);
    for (const t of [...open, other, again]) t.stream.close();
    one.close();
    two.close();
  });

  it("ends a revoked session's streams at the next heartbeat, leaves other sessions' streams on the same connection, and refuses it afterwards", async () => {
    const origin = await newOrigin();
    const conn = await connectH2(endpoint());
    const auth = await api.proxyAuthorization("h2-revoked");
    const bystander = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth: await api.proxyAuthorization("h2-bystander") });
    const tunnels = [
      await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth }),
      await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth }),
    ];
    expect((await httpOverStream(tunnels[0]!.stream, "GET", "/bytes/10")).status).toBe(200);
    const closed = tunnels.map((t) => once(t.stream, "close"));
    api.revoked.add("h2-revoked");
    expect(await gateway.heartbeat()).toBe(true);
    await Promise.all(closed);
    expect((await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth })).status).toBe(407);
    expect((await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/bytes/10`, auth })).status).toBe(407);
    expect((await httpOverStream(bystander.stream, "GET", "/bytes/10")).status).toBe(200);
    bystander.stream.close();
    conn.close();
  });
});

describe("plain http:// as HTTP/2 requests", () => {
  it("forwards :scheme http requests with an authority and bodies, charging the session exactly", async () => {
    const origin = await newOrigin();
    const conn = await connectH2(endpoint());
    const auth = await api.proxyAuthorization("h2-plain");
    const got = await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/bytes/54321`, auth, headers: { cookie: ["a=1", "b=2"] } });
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(54_321);
    expect(got.headers["content-length"]).toBe("54321");
    const body = Buffer.alloc(100_000, 3);
    const echoed = await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/echo`, auth, method: "POST", body });
    expect(echoed.status).toBe(200);
    expect(echoed.body.equals(body)).toBe(true);
    expect((await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/nothing`, auth })).status).toBe(404);
    conn.close();
    await waitFor(() => gateway.stats().openFlows === 0);
    await origin.close();
    await origin.idle();
    expect(await gateway.flush()).toBe(true);
    expect(api.totals("h2-plain")).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
  });

  it("logs no destination or client address", () => {
    const text = lines.join("\n");
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain("169.254");
    for (const origin of origins) expect(text).not.toContain(String(origin.port));
  });
});

describe("shutdown", () => {
  it("sends GOAWAY to every h2 session when the gateway closes, so browsers stop opening streams on it", async () => {
    const own = await startTestGateway({ shutdownGraceMs: 200 });
    const origin = await newOrigin();
    const conn = await connectH2(own.endpoint());
    const tunnel = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth: await own.api.proxyAuthorization("h2-shutdown") });
    expect(tunnel.status).toBe(200);
    const goaway = once(conn, "goaway");
    const closed = own.close();
    const [code] = (await goaway) as [number];
    expect(code).toBe(0);
    await closed;
  });
});
