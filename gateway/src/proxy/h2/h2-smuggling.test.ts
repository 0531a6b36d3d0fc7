/**
 * Plain http:// over HTTP/2 is forwarded as HTTP/1.1, so the gateway must
 * not let an h2 request turn into two HTTP/1.1 requests at the destination
 * (h2→h1 downgrade smuggling): a body longer than its content-length, a
 * transfer-encoding or a CR/LF in a header value, written as raw frames. The
 * recording origin sees exactly the requests the client meant, no more.
 * node:http2's nghttp2 does the refusing; these tests hold the gateway to it.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ERROR, FLAG, FRAME, frame, RawH2 } from "./h2-frames.test-support";
import { startTestGateway, type TestGateway } from "../../test-gateway.test-support";
import { startRecordingOrigin, type RecordingOrigin } from "@cargo-vpn/testkit/recording-origin";

let h2: TestGateway;
let origin: RecordingOrigin;
let auth: string;

beforeAll(async () => {
  h2 = await startTestGateway();
  origin = await startRecordingOrigin();
  auth = await h2.api.proxyAuthorization("h2-smuggling");
});
afterAll(async () => {
  await h2.close();
  await origin.close();
});

const request = (extra: Array<[string, string]>): Array<[string, string]> => [
  [":method", "POST"],
  [":scheme", "http"],
  [":authority", `127.0.0.1:${origin.port}`],
  [":path", "/echo"],
  ["proxy-authorization", auth],
  ...extra,
];

const SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

async function settle(raw: RawH2, streamId: number) {
  // The stream ends one way or the other: an answer that ends it, or a reset.
  await raw.waitFor(
    (f) =>
      f.streamId === streamId &&
      (f.type === FRAME.RST_STREAM || ((f.type === FRAME.DATA || f.type === FRAME.HEADERS) && (f.flags & FLAG.END_STREAM) !== 0)),
  );
  await origin.idle();
}

it("does not forward DATA beyond the request's content-length", async () => {
  const raw = await RawH2.connect(h2.gateway.tlsPort!);
  raw.send(
    raw.headers(1, request([["content-length", "5"]])),
    frame(FRAME.DATA, FLAG.END_STREAM, 1, Buffer.from(`hello${SMUGGLED}`, "latin1")),
  );
  await settle(raw, 1);
  expect(origin.requests.map((r) => r.path)).not.toContain("/smuggled");
  raw.close();
});

it("resets a request that carries transfer-encoding, and forwards nothing", async () => {
  const before = origin.requests.length;
  const raw = await RawH2.connect(h2.gateway.tlsPort!);
  raw.send(
    raw.headers(1, request([["transfer-encoding", "chunked"]])),
    frame(FRAME.DATA, FLAG.END_STREAM, 1, Buffer.from(`0\r\n\r\n${SMUGGLED}`, "latin1")),
  );
  const reset = await raw.waitFor((f) => f.streamId === 1 && f.type === FRAME.RST_STREAM);
  expect(reset!.payload.readUInt32BE(0)).toBe(ERROR.PROTOCOL_ERROR);
  await origin.idle();
  expect(origin.requests.length).toBe(before);
  raw.close();
});

it("never lets a CR/LF in a header value reach the destination as a second request", async () => {
  const before = origin.requests.length;
  const raw = await RawH2.connect(h2.gateway.tlsPort!);
  raw.send(raw.headers(1, request([["x-note", `a\r\n\r\n${SMUGGLED}`]]), { endStream: true }));
  // nghttp2 drops the invalid field (RFC 9113 §8.2.1) and the rest of the request goes on.
  await settle(raw, 1);
  expect(origin.requests.slice(before)).toEqual([{ method: "POST", path: "/echo", body: "" }]);
  raw.close();
});
