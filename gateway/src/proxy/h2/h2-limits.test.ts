/**
 * What an attacker's HTTP/2 client cannot turn against the gateway, with the
 * frames written by hand (h2-frames.test-support.ts): rapid reset
 * (CVE-2023-44487), CONTINUATION floods, too many concurrent streams and
 * oversized header lists are refused (GOAWAY, or 431 on the one stream) and
 * counted in the refusal metrics; a browser's ordinary resets are not.
 */
import http2 from "node:http2";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ERROR, FLAG, FRAME, frame, headerBlock, RawH2, rstStream } from "./h2-frames.test-support";
import { startTestGateway, waitFor, type TestGateway } from "../../test-gateway.test-support";
import { H2_MAX_CONCURRENT_STREAMS, RESET_BURST } from "./h2-listener";
import { renderMetrics } from "../../admin/metrics-text";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { connectH2, h2Tunnel, httpOverStream } from "@cargo-vpn/testkit/h2-proxy-client";

const MAX_HEADER_BYTES = 16 * 1024;
let h2: TestGateway;
let origin: Origin;
let auth: string;

beforeAll(async () => {
  h2 = await startTestGateway({ maxHeaderBytes: MAX_HEADER_BYTES, maxFlowsPerSession: 10_000 });
  origin = await startOrigin();
  auth = await h2.api.proxyAuthorization("h2-limits");
});
afterAll(async () => {
  await h2.close();
  await origin.close();
});

const connectFields = (): Array<[string, string]> => [
  [":method", "CONNECT"],
  [":authority", `127.0.0.1:${origin.port}`],
  ["proxy-authorization", auth],
];

const refusals = (reason: string) => h2.refusals(reason);

/** A raw connection whose SETTINGS exchange is done, so the server's limits are in force. */
async function rawConnection(): Promise<RawH2> {
  const raw = await RawH2.connect(h2.gateway.tlsPort!);
  await raw.waitFor((f) => f.type === FRAME.SETTINGS && (f.flags & FLAG.ACK) !== 0);
  return raw;
}

it("answers rapid reset (streams opened and reset at once) with GOAWAY(ENHANCE_YOUR_CALM), counted, while other connections go on", async () => {
  const before = refusals("h2_rapid_reset");
  const raw = await rawConnection();
  const frames: Buffer[] = [];
  const streams = 1000;
  for (let i = 0; i < streams; i++) {
    const id = 1 + 2 * i;
    frames.push(raw.headers(id, connectFields()), rstStream(id, ERROR.CANCEL));
  }
  raw.send(...frames);
  const goaway = await raw.goaway();
  expect(goaway?.errorCode).toBe(ERROR.ENHANCE_YOUR_CALM);
  // Cut off well before the attacker's last stream: the budget, and what was already in flight.
  expect(goaway!.lastStreamId).toBeLessThan(2 * streams - 1);
  expect(refusals("h2_rapid_reset")).toBe(before + 1);
  await waitFor(() => raw.closed);
  await waitFor(() => h2.gateway.stats().openFlows === 0);

  const browser = await connectH2(h2.endpoint());
  const tunnel = await h2Tunnel(browser, { target: `127.0.0.1:${origin.port}`, auth });
  expect(tunnel.status).toBe(200);
  expect((await httpOverStream(tunnel.stream, "GET", "/bytes/10")).status).toBe(200);
  tunnel.stream.close();
  browser.close();
});

it("lets a browser reset many tunnels after they were answered (closing tabs) without a GOAWAY", async () => {
  const before = refusals("h2_rapid_reset");
  const browser = await connectH2(h2.endpoint());
  let goaway = false;
  browser.on("goaway", () => {
    goaway = true;
  });
  for (let round = 0; round < 3; round++) {
    const tunnels = await Promise.all(Array.from({ length: 100 }, () => h2Tunnel(browser, { target: `127.0.0.1:${origin.port}`, auth })));
    expect(tunnels.every((t) => t.status === 200)).toBe(true);
    for (const t of tunnels) t.stream.close(http2.constants.NGHTTP2_CANCEL);
    // node:http2 frees a closed stream's slot a moment after the reset arrives: a stream opened in the
    // same instant may find all 128 still taken (RST_STREAM ENHANCE_YOUR_CALM), so the next round waits.
    await waitFor(() => h2.gateway.stats().openFlows === 0);
  }
  // 300 resets, three times the burst budget, and still carrying.
  expect(3 * 100).toBeGreaterThan(RESET_BURST);
  const last = await h2Tunnel(browser, { target: `127.0.0.1:${origin.port}`, auth });
  expect(last.status).toBe(200);
  expect(goaway).toBe(false);
  expect(refusals("h2_rapid_reset")).toBe(before);
  last.stream.close();
  browser.close();
});

it("ends a CONTINUATION flood with GOAWAY, counted", async () => {
  const before = refusals("h2_continuation_flood");
  const raw = await rawConnection();
  const frames = [raw.headers(1, connectFields(), { endHeaders: false })];
  for (let i = 0; i < 5000; i++) frames.push(frame(FRAME.CONTINUATION, 0, 1, headerBlock([["x-a", "b"]])));
  raw.send(...frames);
  const goaway = await raw.goaway();
  expect(goaway).not.toBeNull();
  expect(goaway!.errorCode).not.toBe(ERROR.NO_ERROR);
  raw.close();
  await waitFor(() => refusals("h2_continuation_flood") === before + 1);
});

it("ends a connection that opens more streams than SETTINGS_MAX_CONCURRENT_STREAMS with GOAWAY, counted", async () => {
  const before = refusals("h2_protocol_error");
  const raw = await rawConnection();
  const settings = raw.frames.find((f) => f.type === FRAME.SETTINGS && !(f.flags & FLAG.ACK))!;
  const advertised = new Map<number, number>();
  for (let at = 0; at < settings.payload.length; at += 6)
    advertised.set(settings.payload.readUInt16BE(at), settings.payload.readUInt32BE(at + 2));
  expect(advertised.get(0x3)).toBe(H2_MAX_CONCURRENT_STREAMS);
  const frames: Buffer[] = [];
  for (let i = 0; i < H2_MAX_CONCURRENT_STREAMS + 20; i++) frames.push(raw.headers(1 + 2 * i, connectFields()));
  raw.send(...frames);
  const goaway = await raw.goaway();
  expect(goaway?.errorCode).toBe(ERROR.PROTOCOL_ERROR);
  expect(goaway!.lastStreamId).toBe(2 * H2_MAX_CONCURRENT_STREAMS - 1);
  // node:http2 reports the session's error once its socket has closed.
  raw.close();
  await waitFor(() => refusals("h2_protocol_error") === before + 1);
  await waitFor(() => h2.gateway.stats().openFlows === 0);
});

it("answers 431 to a header list over the limit on its stream alone, counted, and resets one past twice the limit unread", async () => {
  const before = refusals("h2_header_too_large");
  const raw = await rawConnection();
  const large = headerBlock([...connectFields(), ["x-pad", "a".repeat(MAX_HEADER_BYTES + 100)]]);
  raw.send(frame(FRAME.HEADERS, 0, 1, large.subarray(0, 16_000)), frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 1, large.subarray(16_000)));
  const answer = await raw.waitFor((f) => f.type === FRAME.HEADERS && f.streamId === 1);
  // HPACK-encoded :status 431 as a literal (Node does not index it): the status digits appear as they are.
  expect(answer!.payload.includes(Buffer.from("431"))).toBe(true);
  expect(refusals("h2_header_too_large")).toBe(before + 1);

  const huge = headerBlock([...connectFields(), ["x-pad", "a".repeat(2 * MAX_HEADER_BYTES + 100)]]);
  const parts = [huge.subarray(0, 16_000), huge.subarray(16_000, 32_000), huge.subarray(32_000)];
  raw.send(
    frame(FRAME.HEADERS, 0, 3, parts[0]!),
    frame(FRAME.CONTINUATION, 0, 3, parts[1]!),
    frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 3, parts[2]!),
  );
  const reset = await raw.waitFor((f) => f.type === FRAME.RST_STREAM && f.streamId === 3);
  expect(reset!.payload.readUInt32BE(0)).toBe(ERROR.ENHANCE_YOUR_CALM);

  // The connection still carries an ordinary stream.
  raw.send(raw.headers(5, connectFields()));
  expect(await raw.waitFor((f) => f.type === FRAME.HEADERS && f.streamId === 5)).not.toBeNull();
  expect(raw.frames.some((f) => f.type === FRAME.GOAWAY)).toBe(false);
  raw.close();
});

function drainedOrClosed(raw: RawH2): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.socket.off("drain", done).off("close", done);
      resolve();
    };
    raw.socket.on("drain", done).on("close", done);
  });
}

it("closes the session of a PING flood from a client that never reads the acknowledgements, counted as h2_flood", async () => {
  const before = refusals("h2_flood");
  const raw = await rawConnection();
  // The attacker stops reading: the gateway's PING ACKs back up in its socket, then in nghttp2's outbound queue.
  raw.socket.pause();
  const burst = Buffer.concat(Array.from({ length: 10_000 }, (_, i) => frame(FRAME.PING, 0, 0, Buffer.alloc(8, i % 256))));
  // Until the kernel's buffers between the two are full the ACKs still leave; a bound keeps a broken gateway from looping forever.
  for (let sent = 0; refusals("h2_flood") === before && !raw.socket.destroyed && sent < 2_000_000; sent += 10_000) {
    if (!raw.send(burst)) await drainedOrClosed(raw);
  }
  await waitFor(() => refusals("h2_flood") === before + 1);
  raw.close();
  await waitFor(() => h2.gateway.stats().openFlows === 0);
  expect(renderMetrics(h2.gateway.metrics())).toContain(`cargo_gateway_refusals_total{reason="h2_flood"} ${before + 1}`);
});

it("ends a session that keeps sending invalid frames (streams with malformed headers) with GOAWAY, counted as h2_invalid_frames", async () => {
  const before = refusals("h2_invalid_frames");
  const protocolErrors = refusals("h2_protocol_error");
  const raw = await rawConnection();
  // An upper-case field name is malformed (RFC 9113 §8.2.1): each such stream is reset, and nghttp2 counts an invalid frame.
  // One stream at a time, each after the last one's reset: when the gateway gives up it has read every byte sent, so
  // it closes with a FIN that carries its GOAWAY, not a TCP reset that could drop it.
  let goaway: { lastStreamId: number; errorCode: number } | null = null;
  for (let id = 1; goaway === null && !raw.closed && id < 2 * 5000; id += 2) {
    raw.send(raw.headers(id, [...connectFields(), ["X-Bad", "1"]]));
    const answer = await raw.waitFor((f) => (f.type === FRAME.RST_STREAM && f.streamId === id) || f.type === FRAME.GOAWAY);
    if (answer?.type === FRAME.GOAWAY) goaway = { lastStreamId: answer.payload.readUInt32BE(0), errorCode: answer.payload.readUInt32BE(4) };
    else if (id === 1) expect(answer!.payload.readUInt32BE(0)).toBe(ERROR.PROTOCOL_ERROR);
  }
  expect(goaway).not.toBeNull();
  expect(goaway!.errorCode).not.toBe(ERROR.NO_ERROR);
  raw.close();
  await waitFor(() => refusals("h2_invalid_frames") === before + 1);
  // One attack, one class: not counted again as a generic protocol error.
  expect(refusals("h2_protocol_error")).toBe(protocolErrors);
  expect(renderMetrics(h2.gateway.metrics())).toContain(`cargo_gateway_refusals_total{reason="h2_invalid_frames"} ${before + 1}`);
});
