/**
 * A gateway's listeners (gateway.ts): the plain one, with `tls` the TLS one
 * serving HTTP/1.1 and HTTP/2 by ALPN, and with `tls.http1Port` a second TLS
 * one offering only http/1.1 (for Firefox), all answered by the one proxy
 * built from `deps`. Every client socket is tracked so shutdown can cut it.
 *
 *   const listeners = await openListeners({ config, deps, logger });
 *   listeners.port; listeners.tlsPort; listeners.tlsHttp1Port;
 *   const closed = listeners.stopAccepting();   // no new connections; idle ones closed
 *   listeners.cutAll();                         // after the grace period
 *   await closed;
 */
import http from "node:http";
import type net from "node:net";
import type { GatewayConfig } from "./gateway-settings";
import { H2_ALPN, HTTP1_ALPN, serveHttp2, type Http2Listener } from "./proxy/h2/h2-listener";
import { H2Streams } from "./proxy/h2/h2-streams";
import type { Logger } from "./logger";
import { ProxyHandler, type ProxyDeps } from "./proxy/proxy-handler";
import { certificateKeyKind } from "./tls/tls-certificate";
import { createTlsListener, type TlsMaterial } from "./tls/tls-listener";

export interface GatewayListeners {
  port: number;
  tlsPort?: number;
  /** The http/1.1-only TLS listener's port (`tls.http1Port`). */
  tlsHttp1Port?: number;
  /** See RunningGateway.reloadTls. */
  reloadTls(material?: TlsMaterial): boolean;
  /** See RunningGateway.setTicketKeys. */
  setTicketKeys(keys: Buffer): boolean;
  /** Client sockets open now, on every listener. */
  readonly clientConnections: number;
  /** TLS connections since start by negotiated protocol, on both TLS listeners; undefined without a TLS listener. */
  readonly tlsConnections: Http2Listener["connections"] | undefined;
  /** Stops accepting, closes idle keep-alive connections and sends GOAWAY; resolves once every listener has closed. */
  stopAccepting(): Promise<void>;
  /** Destroys every client socket still open. */
  cutAll(): void;
}

export async function openListeners({
  config,
  deps,
  logger,
}: {
  config: GatewayConfig;
  deps: ProxyDeps;
  logger: Logger;
}): Promise<GatewayListeners> {
  const proxy = new ProxyHandler(deps);
  const serverOptions: http.ServerOptions = {
    maxHeaderSize: config.maxHeaderBytes,
    // Long uploads are bounded by the idle timeout, not by a total request time.
    requestTimeout: 0,
    headersTimeout: Math.min(30_000, config.idleTimeoutMs),
    keepAliveTimeout: Math.min(60_000, config.idleTimeoutMs),
    noDelay: true,
  };
  const sockets = new Set<net.Socket>();
  const track = (server: http.Server) => {
    server.maxConnections = config.maxConnections;
    server.on("connection", (socket: net.Socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    proxy.attach(server);
    return server;
  };
  const servers: http.Server[] = [];
  const plain = track(http.createServer(serverOptions));
  servers.push(plain);
  const port = await listen(plain, config.port, config.host);
  let tlsPort: number | undefined;
  let tlsHttp1Port: number | undefined;
  let http1PortConnections = 0;
  let reloadTls: GatewayListeners["reloadTls"] = () => {
    logger.warn("tls_reload_failed", { error: "no_tls_listener" });
    return false;
  };
  let setTicketKeys: GatewayListeners["setTicketKeys"] = () => false;
  let h2: Http2Listener | null = null;
  if (config.tls) {
    // An RSA certificate costs far more CPU per full handshake than ECDSA P-256 (README, "Which certificate").
    if (certificateKeyKind(config.tls.cert) === "rsa") {
      logger.warn("tls_certificate_rsa", { advice: "use an ECDSA P-256 certificate: less CPU per full handshake" });
    }
    if (config.tls.h2 && config.tls.http1Port === undefined) {
      logger.warn("tls_h2_without_http1_port", {
        advice: "Firefox users' large downloads stall over h2: set GATEWAY_TLS_HTTP1_PORT, the port the extension gives Firefox",
      });
    }
    // h2 per tls.h2, on by default only beside the http1 port: Firefox's h2 tunnels stall on large downloads (gateway-settings.ts).
    const tlsServerOptions = { ...serverOptions, ALPNProtocols: config.tls.h2 ? H2_ALPN : HTTP1_ALPN };
    const listener = createTlsListener(tlsServerOptions, config.tls, logger);
    reloadTls = listener.reload;
    setTicketKeys = (keys) => {
      listener.setTicketKeys(keys);
      return true;
    };
    const secure = track(listener.server);
    h2 = serveHttp2(listener.server, {
      streams: new H2Streams(deps),
      logger,
      maxHeaderListBytes: config.maxHeaderBytes,
      idleTimeoutMs: config.idleTimeoutMs,
    });
    // TLS sockets appear on 'secureConnection'; 'connection' gives the raw TCP socket, which is what we cut.
    servers.push(secure);
    // Firefox's port: never h2, whatever tls.h2 says; same certificate, ticket keys and reloads.
    const http1Only = config.tls.http1Port === undefined ? null : listener.addServer({ ...serverOptions, ALPNProtocols: HTTP1_ALPN });
    if (http1Only) {
      track(http1Only);
      http1Only.on("secureConnection", () => http1PortConnections++);
      servers.push(http1Only);
    }
    try {
      tlsPort = await listen(secure, config.tls.port, config.host);
      if (http1Only) tlsHttp1Port = await listen(http1Only, config.tls.http1Port!, config.host);
    } catch (error) {
      for (const server of servers) server.close();
      throw error;
    }
  }

  return {
    port,
    tlsPort,
    tlsHttp1Port,
    reloadTls: (material) => reloadTls(material),
    setTicketKeys: (keys) => setTicketKeys(keys),
    get clientConnections() {
      return sockets.size;
    },
    get tlsConnections() {
      return h2 ? { h2: h2.connections.h2, http1: h2.connections.http1 + http1PortConnections } : undefined;
    },
    stopAccepting: () => {
      const closed = Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
      for (const server of servers) server.closeIdleConnections();
      h2?.close();
      return closed.then(() => undefined);
    },
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
