/**
 * The latency probe over real sockets: `GET /ping` answers 204 with no body
 * on the plain listener, on TLS (HTTP/1.1, also on the http/1.1-only
 * listener) and on an h2 stream, before any
 * credential, without a log line, and is counted in the metrics. Anything
 * else on the listener is still the proxy (a 407 without credentials), and
 * while new flows are refused the probe says 503 with Retry-After.
 */
import http2 from "node:http2";
import http from "node:http";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../gateway";
import { answerPing, PingCounter } from "./ping";
import { renderMetrics } from "../admin/metrics-text";
import { startTestGateway, type TestGateway } from "../test-gateway.test-support";

let harness: TestGateway;
let gateway: RunningGateway;
let cert: { cert: string };

beforeAll(async () => {
  harness = await startTestGateway({ http1Port: true });
  ({ gateway, cert } = harness);
});
afterAll(() => harness.close());

function httpsGet(path: string, port = gateway.tlsPort!): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path, ca: cert.cert }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
  });
}

/** Node's own client: fetch (undici) throws on a 407 instead of answering it. */
function plainRequest(path: string, method = "GET"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: gateway.port, path, method }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(method === "GET" ? undefined : "x");
  });
}

function h2Get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${gateway.tlsPort}`, { ca: cert.cert });
    session.on("error", reject);
    const stream = session.request({ ":method": "GET", ":path": path });
    let status = 0;
    let body = "";
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.on("data", (chunk) => (body += chunk));
    stream.on("end", () => {
      session.close();
      resolve({ status, body });
    });
    stream.on("error", reject);
  });
}

const pings = () => gateway.metrics().pingsAnswered;

describe("GET /ping on the proxy listener", () => {
  it("answers 204, no body, not cached, on plain HTTP, both TLS listeners and h2; counted, never logged", async () => {
    const before = pings();
    const plain = await fetch(`http://127.0.0.1:${gateway.port}/ping`);
    expect(plain.status).toBe(204);
    expect(await plain.text()).toBe("");
    expect(plain.headers.get("cache-control")).toBe("no-store");
    const overTls = await httpsGet("/ping");
    expect([overTls.status, overTls.body]).toEqual([204, ""]);
    const overHttp1Port = await httpsGet("/ping", harness.http1Endpoint().port);
    expect([overHttp1Port.status, overHttp1Port.body]).toEqual([204, ""]);
    const overH2 = await h2Get("/ping");
    expect([overH2.status, overH2.body]).toEqual([204, ""]);
    expect(pings() - before).toBe(4);
    expect(renderMetrics(gateway.metrics())).toMatch(/^cargo_gateway_pings_total \d+$/m);
    expect(harness.lines.filter((line) => /ping/.test(line))).toEqual([]);
  });

  it("is only that exact request: other paths, methods and proxied requests are still the proxy's (407)", async () => {
    const before = pings();
    expect(await plainRequest("/ping?x=1")).toBe(407);
    expect(await plainRequest("/ping", "POST")).toBe(407);
    expect(await plainRequest("/")).toBe(407);
    expect(await plainRequest("http://127.0.0.1:1/ping")).toBe(407);
    expect((await httpsGet("/healthz")).status).toBe(407);
    expect(pings()).toBe(before);
  });

  it("says 503 with Retry-After, still no body, while new flows are refused (the picker then marks it unreachable)", async () => {
    const pings = new PingCounter();
    const server = http.createServer((_req, res) => answerPing(res, pings, true, 7));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as import("node:net").AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/ping`);
      expect([answer.status, answer.headers.get("retry-after"), await answer.text()]).toEqual([503, "7", ""]);
      expect(pings.answered).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
