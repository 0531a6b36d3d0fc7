/**
 * Bytes that fail to parse after complete pipelined requests, over raw
 * sockets (RFC 9112 §9.3.2): the requests already read were forwarded, so
 * their answers are sent first, in order; only then does the gateway answer
 * 400 and close. Nothing after the bad bytes reaches the destination.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { rawExchange, startRecordingOrigin, statuses } from "@cargo-vpn/testkit/recording-origin";

let api: FakeApi;
let gateway: RunningGateway;

beforeAll(async () => {
  api = await startFakeApi();
  gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger: memoryLogger().logger,
  });
});
afterAll(async () => {
  await gateway.close();
  await api.close();
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > ends) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A keep-alive proxy request head (and body) for the gateway. */
function request(method: string, url: string, auth: string, body = ""): string {
  const framing = body ? [`Content-Length: ${body.length}`] : [];
  return [`${method} ${url} HTTP/1.1`, "Host: origin.test", `Proxy-Authorization: ${auth}`, ...framing, "", body].join("\r\n");
}

/** The paths the recording origin's answers name ("seen GET /x"), in the order they came back. */
const answeredPaths = (answer: string) => [...answer.matchAll(/seen [A-Z]+ (\S+)/g)].map((match) => match[1]);

// Not a request line Node's parser (llhttp) accepts.
const GARBAGE = "\x01\x02 NOT A REQUEST\r\n\r\n";

describe("a parse error after complete pipelined requests", () => {
  it("sends the in-flight answer first, then 400, then closes", async () => {
    const origin = await startRecordingOrigin();
    const auth = await api.proxyAuthorization("s-pipeline-error");
    const base = `http://127.0.0.1:${origin.port}`;
    const answer = await rawExchange(gateway.port, request("GET", `${base}/first`, auth) + GARBAGE);
    expect(statuses(answer)).toEqual([200, 400]);
    expect(answeredPaths(answer)).toEqual(["/first"]);
    expect(answer).toMatch(/HTTP\/1\.1 400 [^\r]*\r\n(?:[^\r]+\r\n)*Connection: close\r\n/);
    expect(origin.requests).toEqual([{ method: "GET", path: "/first", body: "" }]);
    await waitFor(() => gateway.stats().openFlows === 0);
    await origin.close();
  });

  it("answers every complete request, with bodies, in order before the 400", async () => {
    const origin = await startRecordingOrigin();
    const auth = await api.proxyAuthorization("s-pipeline-error-many");
    const base = `http://127.0.0.1:${origin.port}`;
    const raw =
      request("POST", `${base}/a`, auth, "hello") + request("GET", `${base}/b`, auth) + request("PUT", `${base}/c`, auth, "xyz") + GARBAGE;
    const answer = await rawExchange(gateway.port, raw);
    expect(statuses(answer)).toEqual([200, 200, 200, 400]);
    expect(answeredPaths(answer)).toEqual(["/a", "/b", "/c"]);
    expect([...origin.requests].sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { method: "POST", path: "/a", body: "hello" },
      { method: "GET", path: "/b", body: "" },
      { method: "PUT", path: "/c", body: "xyz" },
    ]);
    await waitFor(() => gateway.stats().openFlows === 0);
    await origin.close();
  });

  it("answers the complete request, then 400 for one whose chunked body is broken", async () => {
    const origin = await startRecordingOrigin();
    const auth = await api.proxyAuthorization("s-pipeline-error-body");
    const base = `http://127.0.0.1:${origin.port}`;
    const broken = [
      `POST ${base}/broken HTTP/1.1`,
      "Host: origin.test",
      `Proxy-Authorization: ${auth}`,
      "Transfer-Encoding: chunked",
      "",
      "zz\r\nabc\r\n",
    ].join("\r\n");
    const answer = await rawExchange(gateway.port, request("GET", `${base}/first`, auth) + broken);
    expect(statuses(answer)).toEqual([200, 400]);
    expect(answeredPaths(answer)).toEqual(["/first"]);
    expect(origin.requests).toEqual([{ method: "GET", path: "/first", body: "" }]);
    await waitFor(() => gateway.stats().openFlows === 0);
    await origin.close();
  });

  it("still answers 400 at once when nothing is in flight", async () => {
    const answer = await rawExchange(gateway.port, GARBAGE);
    expect(statuses(answer)).toEqual([400]);
  });
});
