/**
 * A gateway's listeners (gateway.ts): the plain one, and with `tls` the TLS
 * one serving HTTP/1.1 and HTTP/2 by ALPN, all answered by the one proxy
 * built from `deps`. Every client socket is tracked so shutdown can cut it.
 *
 *   const listeners = await openListeners({ config, deps, logger });
 *   listeners.port; listeners.tlsPort;
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
  /** See RunningGateway.reloadTls. */
  reloadTls(material?: TlsMaterial): boolean;
  /** See RunningGateway.setTicketKeys. */
  setTicketKeys(keys: Buffer): boolean;
  /** Client sockets open now, on every listener. */
  readonly clientConnections: number;
  /** TLS connections since start by negotiated protocol; undefined without a TLS listener. */
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
    // h2 only when asked for (tls.h2): Firefox's h2 tunnels stall on large downloads (gateway-settings.ts).
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
    try {
      tlsPort = await listen(secure, config.tls.port, config.host);
    } catch (error) {
      plain.close();
      throw error;
    }
  }

  return {
    port,
    tlsPort,
    reloadTls: (material) => reloadTls(material),
    setTicketKeys: (keys) => setTicketKeys(keys),
    get clientConnections() {
      return sockets.size;
    },
    get tlsConnections() {
      return h2?.connections;
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
