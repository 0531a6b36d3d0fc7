/**
 * Usage of a flow cut mid-response, counted exactly once: the destination
 * has sent half an answer, the browser has read all of it through the
 * gateway, and then the flow is cut — by the browser (a navigation away, a
 * restart) or by the session ending. Every byte the destination moved is one
 * the gateway read, so the reported totals must equal the destination's own
 * counters exactly, on every road a flow takes: HTTP/1.1 absolute URI and
 * CONNECT (plain and TLS), HTTP/2 CONNECT streams and plain-http streams.
 *
 * (What exactness cannot cover, and this file does not claim: bytes the
 * destination wrote after the cut, which the gateway never read.)
 */
import net from "node:net";
import tls from "node:tls";
import type http2 from "node:http2";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../gateway";
import type { FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startTestGateway, type TestGateway } from "../test-gateway.test-support";
import { openTunnel } from "@cargo-vpn/testkit/proxy-client";
import { connectH2, h2Tunnel } from "@cargo-vpn/testkit/h2-proxy-client";
import { type RecordingOrigin, startRecordingOrigin } from "@cargo-vpn/testkit/recording-origin";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";

const cert = selfSignedCert();
const HALF = 5000;

/** A flow through the gateway: settles once the browser has read half the answer; `cut` ends it there. */
interface Flow {
  halfRead: Promise<void>;
  cut: () => void;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > ends) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads from `stream` until the answer's head and HALF bytes of its body have arrived. */
function readHalfAnswer(stream: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end >= 0 && buffered.length - (end + 4) >= HALF) {
        stream.off("data", onData);
        resolve();
      }
    };
    stream.on("data", onData);
    stream.once("error", reject);
    stream.resume();
  });
}

const dial = (port: number, secure: boolean): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({ host: "127.0.0.1", port, ca: cert.cert }, () => resolve(socket))
      : net.connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });

describe("a flow cut mid-response is counted exactly once", () => {
  let api: FakeApi;
  let gateway: RunningGateway;
  let destination: RecordingOrigin;

  let harness: TestGateway;

  beforeAll(async () => {
    // The test drives flushes and heartbeats itself (startTestGateway's defaults).
    harness = await startTestGateway({ cert });
    api = harness.api;
    gateway = harness.gateway;
  });
  afterAll(async () => {
    await harness.close();
    await destination?.close();
  });

  /** Opens a flow with `open`, reads half the answer, cuts it with `cut`, and compares the totals. */
  async function cutAndCount(session: string, open: (auth: string, target: string) => Promise<Flow>) {
    // Every answer announces twice HALF bytes and sends HALF: the flow is cut with the rest still to come.
    destination = await startRecordingOrigin({ partial: { announced: 2 * HALF, sent: HALF } });
    const auth = await api.proxyAuthorization(session);
    const flow = await open(auth, `127.0.0.1:${destination.port}`);
    await flow.halfRead;
    expect(destination.openConnections).toBe(1);
    flow.cut();
    await waitFor(() => destination.openConnections === 0, "the destination connection to close");
    await waitFor(() => gateway.stats().openFlows === 0, "the flow to end");
    expect(await gateway.flush()).toBe(true);
    expect(destination.sent).toBeGreaterThan(HALF);
    expect(api.totals(session)).toEqual({ bytesUp: destination.received, bytesDown: destination.sent });
    await destination.close();
  }

  const absoluteUri = (secure: boolean) => async (auth: string, target: string) => {
    const socket = await dial(secure ? gateway.tlsPort! : gateway.port, secure);
    socket.write(`GET http://${target}/half HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: ${auth}\r\n\r\n`);
    return { halfRead: readHalfAnswer(socket), cut: () => socket.destroy() };
  };
  const connect = (secure: boolean) => async (auth: string, target: string) => {
    const tunnel = await openTunnel({ port: secure ? gateway.tlsPort! : gateway.port, ...(secure ? { ca: cert.cert } : {}), auth, target });
    expect(tunnel.status).toBe(200);
    tunnel.socket.write("GET /half HTTP/1.1\r\nHost: origin.test\r\n\r\n");
    return { halfRead: readHalfAnswer(tunnel.socket), cut: () => tunnel.socket.destroy() };
  };

  for (const secure of [false, true]) {
    const listener = secure ? "TLS" : "plain";
    it(`HTTP/1.1 absolute URI on the ${listener} listener, cut by the browser`, () =>
      cutAndCount(`s-cut-uri-${listener}`, absoluteUri(secure)));
    it(`HTTP/1.1 CONNECT on the ${listener} listener, cut by the browser`, () => cutAndCount(`s-cut-connect-${listener}`, connect(secure)));
  }

  it("HTTP/1.1 absolute URI, cut because the session ended (heartbeat revocation)", async () => {
    const session = "s-cut-revoked";
    await cutAndCount(session, async (auth, target) => {
      const flow = await absoluteUri(false)(auth, target);
      return {
        halfRead: flow.halfRead,
        cut: () => {
          api.revoked.add(session);
          void gateway.heartbeat();
        },
      };
    });
  });

  describe("over HTTP/2", () => {
    let conn: http2.ClientHttp2Session;
    beforeAll(async () => {
      conn = await connectH2({ port: gateway.tlsPort!, ca: cert.cert });
    });
    afterAll(() => conn.close());

    it("a CONNECT stream, reset by the browser", () =>
      cutAndCount("s-cut-h2-connect", async (auth, target) => {
        const tunnel = await h2Tunnel(conn, { target, auth });
        expect(tunnel.status).toBe(200);
        tunnel.stream.write("GET /half HTTP/1.1\r\nHost: origin.test\r\n\r\n");
        return { halfRead: readHalfAnswer(tunnel.stream), cut: () => tunnel.stream.close() };
      }));

    it("a plain-http stream, reset by the browser", () =>
      cutAndCount("s-cut-h2-http", async (auth, target) => {
        const stream = conn.request({
          ":method": "GET",
          ":scheme": "http",
          ":authority": target,
          ":path": "/half",
          "proxy-authorization": auth,
        });
        stream.on("error", () => {});
        // Over h2 the head arrives as a 'response' event; the stream's data is the body alone.
        const halfRead = new Promise<void>((resolve) => {
          let bytes = 0;
          stream.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes >= HALF) resolve();
          });
        });
        return { halfRead, cut: () => stream.close() };
      }));
  });
});
