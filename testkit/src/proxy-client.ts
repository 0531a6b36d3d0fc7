/**
 * What a browser does with the gateway, as small functions over real sockets:
 * open a CONNECT tunnel, or send an absolute-URI request, over plain TCP or
 * over TLS to the gateway's TLS listener.
 *
 *   const tunnel = await openTunnel({ port, auth, target: `127.0.0.1:${origin.port}` });
 *   if (tunnel.status === 200) httpOverSocket(tunnel.socket, "GET", "/bytes/10");
 */
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";

export interface ProxyEndpoint {
  port: number;
  /** PEM of the gateway's certificate: connect with TLS and trust exactly it. */
  ca?: string;
}

function dial(endpoint: ProxyEndpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.ca
      ? tls.connect({ host: "127.0.0.1", port: endpoint.port, ca: endpoint.ca }, () => resolve(socket))
      : net.connect({ host: "127.0.0.1", port: endpoint.port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

export interface TunnelResult {
  status: number;
  head: string;
  body: string;
  socket: net.Socket;
}

/** Sends CONNECT and reads the gateway's answer; on 200 the socket is the tunnel. */
export async function openTunnel(options: ProxyEndpoint & { target: string; auth?: string; extraHeaders?: string }): Promise<TunnelResult> {
  const socket = await dial(options);
  socket.write(
    `CONNECT ${options.target} HTTP/1.1\r\nHost: ${options.target}\r\n` +
      (options.auth ? `Proxy-Authorization: ${options.auth}\r\n` : "") +
      (options.extraHeaders ?? "") +
      "\r\n",
  );
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString("latin1");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const rest = buffered.subarray(end + 4);
      if (status === 200) {
        socket.off("data", onData);
        socket.off("end", onEnd);
        socket.pause();
        if (rest.length) socket.unshift(rest);
        resolve({ status, head, body: "", socket });
      } else {
        // Error answers carry a short body and close the connection.
        socket.off("data", onData);
        socket.off("end", onEnd);
        const chunks = [rest];
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("close", () => resolve({ status, head, body: Buffer.concat(chunks).toString("utf8"), socket }));
      }
    };
    const onEnd = () => reject(new Error("gateway closed the connection without answering"));
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", reject);
  });
}

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function collect(request: http.ClientRequest, body?: Buffer): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** An HTTP/1.1 request over an already open tunnel (what the browser does inside CONNECT). */
export function httpOverSocket(socket: Duplex, method: string, path: string, body?: Buffer): Promise<SimpleResponse> {
  const request = http.request({
    method,
    path,
    host: "origin.test",
    headers: body ? { "content-length": body.length } : {},
    createConnection: () => socket as net.Socket,
  });
  // openTunnel leaves the socket paused so no byte is lost before the HTTP client listens.
  request.on("socket", (s) => s.resume());
  return collect(request, body);
}

/** An absolute-URI request through the gateway (how browsers fetch http:// sites via a proxy). */
export function proxiedRequest(
  options: ProxyEndpoint & { url: string; auth?: string; method?: string; body?: Buffer; headers?: http.OutgoingHttpHeaders },
): Promise<SimpleResponse> {
  const headers: http.OutgoingHttpHeaders = { ...options.headers };
  if (options.auth) headers["proxy-authorization"] = options.auth;
  if (options.body) headers["content-length"] = options.body.length;
  const request = http.request({
    method: options.method ?? "GET",
    host: "127.0.0.1",
    port: options.port,
    path: options.url,
    headers,
    // With createConnection and no agent, node uses exactly the socket given.
    ...(options.ca ? { createConnection: () => tls.connect({ host: "127.0.0.1", port: options.port, ca: options.ca }) } : { agent: false }),
  });
  return collect(request, options.body);
}
