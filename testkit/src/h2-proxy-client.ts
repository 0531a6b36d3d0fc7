/**
 * What a browser does with a gateway that speaks HTTP/2 (its TLS listener
 * with ALPN h2), over real sockets with node:http2: one TLS connection,
 * every tunnel a `CONNECT` stream on it (RFC 9113 §8.5), plain http://
 * requests as streams with `:scheme http` and `:authority`.
 *
 *   const conn = await connectH2({ port: gateway.tlsPort, ca: cert });
 *   const tunnel = await h2Tunnel(conn, { target: `127.0.0.1:${origin.port}`, auth });
 *   if (tunnel.status === 200) await httpOverSocket(tunnel.stream, "GET", "/bytes/10");
 *   const res = await h2Request(conn, { url: `http://127.0.0.1:${origin.port}/bytes/10`, auth });
 *   conn.close();
 */
import http2 from "node:http2";

export interface H2Endpoint {
  port: number;
  /** PEM of the gateway's certificate, trusted exactly. */
  ca: string;
  /** Receive windows of the client (default: large, like a browser's). */
  windowBytes?: number;
}

/** Chromium's receive windows: 15 MiB for the connection, 6 MiB per stream. */
const BROWSER_CONNECTION_WINDOW = 15 * 1024 * 1024;
const BROWSER_STREAM_WINDOW = 6 * 1024 * 1024;

/** Opens one HTTP/2 connection to the gateway; rejects unless h2 was negotiated. */
export function connectH2(endpoint: H2Endpoint): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${endpoint.port}`, {
      ca: endpoint.ca,
      settings: { initialWindowSize: endpoint.windowBytes ?? BROWSER_STREAM_WINDOW, enablePush: false },
      // A browser holds a hundred tunnels on one connection; node's default 10 MB would refuse streams first.
      maxSessionMemory: 256,
    });
    session.once("error", reject);
    session.once("connect", () => {
      session.off("error", reject);
      // Errors after connecting are the test's to observe (GOAWAY, resets); never an unhandled 'error'.
      session.on("error", () => {});
      session.setLocalWindowSize(endpoint.windowBytes ?? BROWSER_CONNECTION_WINDOW);
      if (session.alpnProtocol !== "h2") reject(new Error(`negotiated ${session.alpnProtocol}, not h2`));
      else resolve(session);
    });
  });
}

export interface H2TunnelResult {
  status: number;
  headers: http2.IncomingHttpHeaders;
  /** The tunnel (on 200): a duplex carrying the bytes to and from the destination. */
  stream: http2.ClientHttp2Stream;
  /** The answer's text (on a refusal). */
  body: string;
}

/** A CONNECT stream; resolves with the gateway's answer (on 200 the stream is the tunnel, paused). */
export function h2Tunnel(session: http2.ClientHttp2Session, options: { target: string; auth?: string }): Promise<H2TunnelResult> {
  const stream = session.request(
    { ":method": "CONNECT", ":authority": options.target, ...(options.auth ? { "proxy-authorization": options.auth } : {}) },
    { endStream: false },
  );
  return new Promise((resolve, reject) => {
    const unanswered = () => reject(new Error(`stream closed without an answer (code ${stream.rstCode})`));
    stream.once("error", reject);
    stream.once("close", unanswered);
    stream.once("response", (headers) => {
      stream.off("error", reject);
      stream.off("close", unanswered);
      stream.on("error", () => {});
      const status = Number(headers[":status"]);
      if (status === 200) {
        stream.pause();
        return resolve({ status, headers, stream, body: "" });
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("close", () => resolve({ status, headers, stream, body: Buffer.concat(chunks).toString("utf8") }));
    });
  });
}

export interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain-http request as a stream: `:scheme http`, `:authority` and `:path` taken from the URL. */
export function h2Request(
  session: http2.ClientHttp2Session,
  options: { url: string; auth?: string; method?: string; body?: Buffer; headers?: http2.OutgoingHttpHeaders },
): Promise<H2Response> {
  const url = new URL(options.url);
  const stream = session.request(
    {
      ":method": options.method ?? "GET",
      ":scheme": "http",
      ":authority": url.host,
      ":path": url.pathname + url.search,
      ...options.headers,
      ...(options.auth ? { "proxy-authorization": options.auth } : {}),
    },
    { endStream: !options.body },
  );
  if (options.body) stream.end(options.body);
  return new Promise((resolve, reject) => {
    let head: http2.IncomingHttpHeaders | null = null;
    const chunks: Buffer[] = [];
    stream.on("response", (headers) => {
      head = headers;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("close", () =>
      head
        ? resolve({ status: Number(head[":status"]), headers: head, body: Buffer.concat(chunks) })
        : reject(new Error(`no answer (code ${stream.rstCode})`)),
    );
  });
}

/**
 * One HTTP/1.1 request inside a tunnel stream (what the browser does inside
 * CONNECT), written as a single buffer and read back by its content-length.
 * (Node's http client over a ClientHttp2Stream corrupts the first bytes of a
 * request that has a body, so it is not used here.)
 */
export function httpOverStream(stream: http2.ClientHttp2Stream, method: string, path: string, body?: Buffer): Promise<H2Response> {
  const head = `${method} ${path} HTTP/1.1\r\nHost: origin.test\r\n${body ? `Content-Length: ${body.length}\r\n` : ""}\r\n`;
  stream.write(body ? Buffer.concat([Buffer.from(head, "latin1"), body]) : Buffer.from(head, "latin1"));
  return new Promise((resolve, reject) => {
    // Chunks are kept apart and joined once: joining per chunk would copy a large body quadratically.
    let head = Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let bodyBytes = 0;
    let length = -1;
    let status = 0;
    let headers: http2.IncomingHttpHeaders = {};
    const onData = (chunk: Buffer) => {
      if (length < 0) {
        head = Buffer.concat([head, chunk]);
        const headEnd = head.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const lines = head.subarray(0, headEnd).toString("latin1").split("\r\n");
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0);
        headers = Object.fromEntries(
          lines.slice(1).map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
        );
        length = Number(headers["content-length"] ?? 0);
        chunk = head.subarray(headEnd + 4);
      }
      chunks.push(chunk);
      bodyBytes += chunk.length;
      if (bodyBytes < length) return;
      stream.off("data", onData);
      stream.off("close", onClose);
      stream.pause();
      resolve({ status, headers, body: Buffer.concat(chunks).subarray(0, length) });
    };
    const onClose = () => reject(new Error("tunnel closed before the answer was complete"));
    stream.on("data", onData);
    stream.on("close", onClose);
    stream.resume();
  });
}
