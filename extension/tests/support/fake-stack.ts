/**
 * A small local stand-in for the whole stack, for the real-Chromium smoke
 * test: the in-memory API served over HTTP, a forwarding proxy that plays
 * the gateway (407 with `Proxy-Authenticate: Basic realm="Cargo VPN"` unless
 * the request carries a live session credential, bytes counted into the
 * API's usage), and an origin that records whether each request came through
 * the gateway. Everything listens on 127.0.0.1 only.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeApi } from "./fake-api";

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeStack() {
  const gatewayServer = createServer();
  const gatewayPort = await listen(gatewayServer);
  const api = createFakeApi({ proxy: { scheme: "http", host: "127.0.0.1", port: gatewayPort }, maxDevices: 2 });

  // ---- API over HTTP ----
  const apiServer = createServer(async (req, res) => {
    const body = await readBody(req);
    const answer = await api.fetch(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: body || undefined,
    });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  const apiPort = await listen(apiServer);

  // ---- gateway ----
  const gateway = { challenges: 0, forwarded: 0, rejectNextWithCredentials: false };
  gatewayServer.on("request", (req, res) => {
    const header = req.headers["proxy-authorization"] ?? "";
    const [user, ...rest] = Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8").split(":");
    const session = header ? api.sessionFor(user ?? "", rest.join(":")) : null;
    // Test hook: refuse good credentials once, as after a rotation, to force a fresh challenge.
    const forced = Boolean(header) && gateway.rejectNextWithCredentials;
    if (!session || forced) {
      if (forced) gateway.rejectNextWithCredentials = false;
      gateway.challenges += 1;
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="Cargo VPN"', "content-length": "0" });
      res.end();
      return;
    }
    gateway.forwarded += 1;
    const target = new URL(req.url ?? "/");
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, "x-via-gateway": "1" };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (answer) => {
        let down = 0;
        answer.on("data", (chunk: Buffer) => (down += chunk.length));
        answer.on("end", () => {
          session.bytesDown += down;
          session.bytesUp += Number(req.headers["content-length"] ?? 0) + 200;
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  // Plain-HTTP origin only in this test; a CONNECT (HTTPS) would need the same auth and a tunnel.
  gatewayServer.on("connect", (_req, socket) => socket.end("HTTP/1.1 405 Not Allowed\r\n\r\n"));

  // ---- origin ----
  const origin = { viaGateway: 0, direct: 0 };
  const originServer = createServer((req, res) => {
    if (req.url === "/favicon.ico") {
      res.writeHead(404);
      res.end();
      return;
    }
    if (req.headers["x-via-gateway"]) origin.viaGateway += 1;
    else origin.direct += 1;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html><title>origin</title><h1>hello from the origin</h1><p>${"x".repeat(20_000)}</p>`);
  });
  const originPort = await listen(originServer);

  return {
    api,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    gatewayPort,
    originUrl: `http://127.0.0.1:${originPort}/page`,
    gateway,
    origin,
    async close() {
      for (const server of [apiServer, gatewayServer, originServer]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
