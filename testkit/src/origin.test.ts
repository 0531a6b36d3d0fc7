/**
 * The origin is the truth the gateway's usage is compared with, so its
 * counters must equal what crossed its sockets, in both of its modes.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Origin, startOrigin, startPageOrigin } from "./origin.ts";

/** One raw HTTP/1.1 exchange on a fresh socket; resolves with every byte received once the origin closes it. */
function exchange(port: number, request: string): Promise<{ sent: number; received: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.end(request));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ sent: Buffer.byteLength(request), received: Buffer.concat(chunks) }));
  });
}

let origin: Origin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

describe("startOrigin (sockets)", () => {
  it("serves n bytes and echoes bodies, counting exactly the bytes on its sockets", async () => {
    origin = await startOrigin();
    const get = await exchange(origin.port, "GET /bytes/5000 HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n");
    const post = await exchange(origin.port, "POST /echo HTTP/1.1\r\nhost: o\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello");
    await origin.idle();
    expect(get.received.toString("latin1")).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\n\r\nx{5000}$/);
    expect(post.received.toString("latin1")).toMatch(/\r\n\r\nhello$/);
    expect(origin.received).toBe(get.sent + post.sent);
    expect(origin.sent).toBe(get.received.length + post.received.length);
    expect(origin.accepted).toBe(2);
    expect(origin.requests).toBe(2);
  });

  it("answers 404 for a path that is no route", async () => {
    origin = await startOrigin();
    const answer = await exchange(origin.port, "GET / HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n");
    expect(answer.received.toString("latin1")).toMatch(/^HTTP\/1\.1 404/);
  });
});

describe("startPageOrigin (browsers)", () => {
  it("answers every path with an HTML page, /page/<n> with about n bytes of it", async () => {
    origin = await startPageOrigin();
    const any = await exchange(origin.port, "GET /anything?x=1 HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n");
    const sized = await exchange(origin.port, "GET /page/20000?r=2 HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n");
    await origin.idle();
    const body = (answer: { received: Buffer }) => answer.received.toString("utf8").split("\r\n\r\n")[1] ?? "";
    expect(any.received.toString("latin1")).toMatch(/^HTTP\/1\.1 200[\s\S]*content-type: text\/html/i);
    expect(body(any)).toContain("<h1>hello from the origin</h1>");
    expect(Buffer.byteLength(body(sized))).toBeGreaterThan(19_900);
    expect(Buffer.byteLength(body(sized))).toBeLessThan(20_100);
    expect(origin.sent).toBe(any.received.length + sized.received.length);
  });

  it("closes a connection that never sends a request, so idle() settles", async () => {
    origin = await startPageOrigin();
    const silent = net.connect({ host: "127.0.0.1", port: origin.port });
    await new Promise((resolve) => silent.once("connect", resolve));
    const closed = new Promise((resolve) => silent.once("close", resolve));
    const started = Date.now();
    await origin.idle();
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(origin.openConnections).toBe(0);
  });
});
