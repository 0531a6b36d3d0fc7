/**
 * Request smuggling through absolute-URI forwarding, over raw sockets: a body
 * sent to the gateway must reach the origin framed, whatever the method, so
 * the origin parses exactly the requests the gateway parsed and every byte it
 * moves is charged; framing two parsers could read differently is refused.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { type RecordedRequest, rawExchange, startRecordingOrigin, statuses } from "@cargo-vpn/testkit/recording-origin";

const SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: origin.test\r\n\r\n";
const METHODS = ["GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH"];

let api: FakeApi;
let gateway: RunningGateway;
let lines: string[];

beforeAll(async () => {
  api = await startFakeApi();
  const memory = memoryLogger();
  lines = memory.lines;
  gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger: memory.logger,
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

/** The paths the recording origin's answers name ("seen GET /x"), in the order they came back. */
const answeredPaths = (answer: string) => [...answer.matchAll(/seen [A-Z]+ (\S+)/g)].map((match) => match[1]);

const byPath = (requests: RecordedRequest[]) => [...requests].sort((a, b) => a.path.localeCompare(b.path));

const chunked = (body: string) => `${Buffer.byteLength(body, "latin1").toString(16)}\r\n${body}\r\n0\r\n\r\n`;

/** A request head for the gateway; `framing` lines go in as given. */
function head(method: string, url: string, auth: string, framing: string[], version = "1.1"): string {
  return [
    `${method} ${url} HTTP/${version}`,
    "Host: origin.test",
    `Proxy-Authorization: ${auth}`,
    ...framing,
    "Connection: close",
    "",
    "",
  ].join("\r\n");
}

describe("absolute-URI request framing", () => {
  it("forwards a body of every method framed, so the origin parses exactly the gateway's requests and every byte is charged", async () => {
    const origin = await startRecordingOrigin();
    const session = "s-framing";
    const auth = await api.proxyAuthorization(session);
    const base = `http://127.0.0.1:${origin.port}`;
    const expected: Array<{ method: string; path: string; body: string }> = [];
    for (const method of METHODS) {
      const forms: Record<string, string> = {
        chunked: head(method, `${base}/${method}-chunked`, auth, ["Transfer-Encoding: chunked"]) + chunked(SMUGGLED),
        length: head(method, `${base}/${method}-length`, auth, [`Content-Length: ${SMUGGLED.length}`]) + SMUGGLED,
        // A Connection header naming the framing header must not strip the framing.
        "named-length":
          head(method, `${base}/${method}-named-length`, auth, [
            "Connection: content-length",
            `Content-Length: ${SMUGGLED.length}`,
          ]).replace("Connection: close\r\n", "Connection: close, content-length\r\n") + SMUGGLED,
        "named-te":
          head(method, `${base}/${method}-named-te`, auth, ["Connection: transfer-encoding", "Transfer-Encoding: chunked"]) +
          chunked(SMUGGLED),
      };
      for (const [form, raw] of Object.entries(forms)) {
        const answer = await rawExchange(gateway.port, raw);
        expect(statuses(answer), `${method} ${form}`).toEqual([200]);
        expected.push({ method, path: `/${method}-${form}`, body: SMUGGLED });
      }
    }
    expect(origin.requests).toEqual(expected);

    await origin.idle();
    await waitFor(() => gateway.stats().openFlows === 0 && gateway.stats().pooledConnections === 0);
    expect(await gateway.flush()).toBe(true);
    expect(api.totals(session)).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
    await origin.close();
  });

  it("keeps a keep-alive connection in step after a GET with a chunked body", async () => {
    const origin = await startRecordingOrigin();
    const auth = await api.proxyAuthorization("s-framing-pipeline");
    const base = `http://127.0.0.1:${origin.port}`;
    const first = head("GET", `${base}/first`, auth, ["Transfer-Encoding: chunked"]).replace("Connection: close\r\n", "");
    const second = head("GET", `${base}/second`, auth, []);
    const answer = await rawExchange(gateway.port, first + chunked(SMUGGLED) + second);
    expect(statuses(answer)).toEqual([200, 200]);
    // The answers come back in the order asked (each body names its request)…
    expect(answeredPaths(answer)).toEqual(["/first", "/second"]);
    // …and the origin got each request once, with its body and nothing smuggled. The two
    // travel on separate upstream connections, so the order they reach it in is not fixed.
    expect(byPath(origin.requests)).toEqual([
      { method: "GET", path: "/first", body: SMUGGLED },
      { method: "GET", path: "/second", body: "" },
    ]);
    await origin.close();
  });

  it("answers pipelined requests in order even when the origin gets and answers the second one first", async () => {
    // Deterministic form of the case above: the gateway forwards pipelined requests at once, each on
    // its own upstream connection; the origin reads /first's body only once /second has ended, so it
    // records /second first and its answer to /second is ready before the one to /first.
    const arrived: RecordedRequest[] = [];
    let secondEnded!: () => void;
    const second = new Promise<void>((resolve) => {
      secondEnded = resolve;
    });
    const origin = http.createServer(async (req, res) => {
      if (req.url === "/first") {
        req.pause();
        await second;
        req.resume();
      }
      let body = "";
      req.setEncoding("latin1");
      req.on("data", (chunk: string) => {
        body += chunk;
      });
      req.on("end", () => {
        arrived.push({ method: req.method ?? "", path: req.url ?? "", body });
        if (req.url === "/second") secondEnded();
        const answer = `seen ${req.method} ${req.url}\n`;
        res.writeHead(200, { "content-length": Buffer.byteLength(answer) });
        res.end(answer);
      });
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    const auth = await api.proxyAuthorization("s-framing-reorder");
    const first = head("GET", `${base}/first`, auth, ["Transfer-Encoding: chunked"]).replace("Connection: close\r\n", "");
    const answer = await rawExchange(gateway.port, first + chunked(SMUGGLED) + head("GET", `${base}/second`, auth, []));
    expect(arrived.map((request) => request.path)).toEqual(["/second", "/first"]);
    expect(statuses(answer)).toEqual([200, 200]);
    expect(answeredPaths(answer)).toEqual(["/first", "/second"]);
    expect(byPath(arrived)).toEqual([
      { method: "GET", path: "/first", body: SMUGGLED },
      { method: "GET", path: "/second", body: "" },
    ]);
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
  });

  it("refuses ambiguous framing with 400, closes the connection and forwards nothing", async () => {
    const origin = await startRecordingOrigin();
    const auth = await api.proxyAuthorization("s-framing-bad");
    const url = `http://127.0.0.1:${origin.port}/x`;
    const body = "abcd";
    const cases: Record<string, string> = {
      "Content-Length and Transfer-Encoding": head("POST", url, auth, ["Content-Length: 4", "Transfer-Encoding: chunked"]) + chunked(body),
      "duplicate Content-Length, same value": head("POST", url, auth, ["Content-Length: 4", "Content-Length: 4"]) + body,
      "duplicate Content-Length, different values": head("POST", url, auth, ["Content-Length: 4", "Content-Length: 5"]) + body,
      "Content-Length list": head("POST", url, auth, ["Content-Length: 4, 4"]) + body,
      "signed Content-Length": head("POST", url, auth, ["Content-Length: +4"]) + body,
      "unknown coding": head("POST", url, auth, ["Transfer-Encoding: xchunked"]) + chunked(body),
      "chunked not last": head("POST", url, auth, ["Transfer-Encoding: chunked, identity"]) + chunked(body),
      "identity before chunked": head("POST", url, auth, ["Transfer-Encoding: identity, chunked"]) + chunked(body),
      "gzip before chunked": head("POST", url, auth, ["Transfer-Encoding: gzip, chunked"]) + chunked(body),
      "Transfer-Encoding twice": head("POST", url, auth, ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"]) + chunked(body),
      "space before the colon": head("POST", url, auth, ["Transfer-Encoding : chunked"]) + chunked(body),
      "obs-fold Transfer-Encoding": head("POST", url, auth, ["Transfer-Encoding:", " chunked"]) + chunked(body),
      "obs-fold other header": head("POST", url, auth, ["X-Folded: a", " b", "Content-Length: 4"]) + body,
      "bare LF line ends": head("POST", url, auth, ["Content-Length: 4"]).replaceAll("\r\n", "\n") + body,
      "bare LF in one header": head("POST", url, auth, ["X-A: 1\nContent-Length: 4"]) + body,
      "bare LF in a chunk size": `${head("POST", url, auth, ["Transfer-Encoding: chunked"])}4\nabcd\r\n0\r\n\r\n`,
      "Transfer-Encoding in HTTP/1.0": head("POST", url, auth, ["Transfer-Encoding: chunked"], "1.0") + chunked(body),
    };
    // Refusals are counted by class (bad_framing, or client_error where Node's parser refused first);
    // the log only summarises them, so a client cannot grow it.
    const refused = () => Object.values(gateway.metrics().refusals).reduce((a, b) => a + b, 0);
    for (const [name, raw] of Object.entries(cases)) {
      const before = refused();
      const answer = await rawExchange(gateway.port, raw);
      expect(statuses(answer), name).toEqual([400]);
      expect(refused(), name).toBeGreaterThan(before);
    }
    expect(gateway.metrics().refusals.bad_framing).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes('"bad_framing"'))).toBe(true);
    expect(origin.requests).toEqual([]);
    await origin.close();
  });
});
