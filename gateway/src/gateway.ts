/**
 * Wires one gateway together and runs it: listeners, credential checks,
 * session registry, usage reporting and heartbeats, and the shutdown order
 * (stop accepting → let open flows finish for a grace period → cut the rest
 * → send the last usage batch → done).
 *
 *   const gateway = await startGateway({ apiUrl, gatewayId, gatewaySecret, port: 0, allowLoopback: true });
 *   gateway.port;            // the plain listener's port (ephemeral when 0 was asked)
 *   await gateway.flush();   // report counted bytes now
 *   await gateway.close();
 */
import { routeUrl } from "@cargo-vpn/shared/route-client";
import { MAX_HEARTBEAT_SESSIONS } from "@cargo-vpn/shared/schemas";
import http from "node:http";
import type net from "node:net";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { GatewayApi } from "./api-client";
import { ConfigError, resolveConfig, type GatewayConfigInput } from "./config";
import { CredentialVerifier } from "./credentials";
import { DestinationPolicy, systemResolver, type Resolver } from "./destination-policy";
import { Heartbeat } from "./heartbeat";
import { createLogger, SummarizingLogger, type Logger } from "./logger";
import { EventLoopDelay, RefusalCounter, takeSnapshot, type MetricsSnapshot } from "./metrics";
import { parsePortList, PortPolicy } from "./port-policy";
import { H2_ALPN, serveHttp2, type Http2Listener } from "./h2-listener";
import { H2Streams } from "./h2-streams";
import { PingCounter } from "./ping";
import { ProxyHandler, type ProxyDeps } from "./proxy-handler";
import { SessionRegistry } from "./session-registry";
import { UpstreamPools } from "./upstream-pool";
import { UsageMeter } from "./usage-meter";
import { UsageReporter } from "./usage-reporter";
import { certificateKeyKind, keyMatchesCertificate } from "./tls-certificate";
import { usageJournalFor } from "./usage-journal";
import { createTlsListener, type TlsMaterial } from "./tls-listener";

/** Hooks for tests and embedding; production uses the defaults. */
export interface GatewayHooks {
  /** Where log lines go; default JSON lines on stderr. */
  logger?: Logger;
  /** Name resolution; default the system resolver (tests make names resolve to chosen addresses). */
  resolver?: Resolver;
  /** Key source for credentials; default the API's /.well-known/jwks.json. */
  jwks?: JWTVerifyGetKey;
  /** Window of the per-request log summaries (logger.ts, SummarizingLogger); default 60000. */
  logSummaryIntervalMs?: number;
  /** Another process beats for this one (a cluster worker): no own heartbeat; see carriedSessions/revoke. */
  externalHeartbeat?: boolean;
}

export interface RunningGateway {
  port: number;
  tlsPort?: number;
  /** Sends counted bytes now; resolves true when the API accepted everything. */
  flush(): Promise<boolean>;
  /** Sends a heartbeat now (revocations take effect before it resolves). */
  heartbeat(): Promise<boolean>;
  /** Graceful shutdown; resolves after the final usage flush. */
  close(): Promise<void>;
  /**
   * Swaps the TLS certificate for new handshakes (open tunnels keep theirs):
   * the PEMs given, or the configured files read again (SIGHUP). False when
   * there is no TLS listener or the new pair is unusable (the old one stays).
   */
  reloadTls(material?: TlsMaterial): boolean;
  /** Replaces the TLS session ticket keys (48 bytes; a cluster worker takes its primary's). False without a TLS listener. */
  setTicketKeys(keys: Buffer): boolean;
  /** Live figures, for tests and the bench. */
  stats(): { activeSessions: number; openFlows: number; pooledConnections: number; signatureChecks: number };
  /** Figures for the admin listener's /metrics (metrics.ts). */
  metrics(): MetricsSnapshot;
  /** What a heartbeat would report, for a cluster primary beating for its workers. */
  carriedSessions(): { activeSessions: number; openFlows: number; sessions: string[] };
  /** Ends sessions learned from a heartbeat sent by another process; returns the flows cut. */
  revoke(sessionIds: string[]): number;
  /** True while new flows are refused because heartbeats are missed (heartbeat.ts). */
  refusingNewFlows(): boolean;
  /** For a process another beats for (a cluster worker): its primary's heartbeat says whether to refuse new flows. */
  setRefusingNewFlows(refusing: boolean): void;
}

const EXPIRY_SWEEP_MS = 1000;

/** Retry-After of the 503 while heartbeats are missed: one beat, within [1 s, 60 s]. */
const retryAfterSec = (heartbeatIntervalMs: number) => Math.min(60, Math.max(1, Math.ceil(heartbeatIntervalMs / 1000)));

export async function startGateway(input: GatewayConfigInput & GatewayHooks): Promise<RunningGateway> {
  const config = resolveConfig(input);
  // Before anything listens: OpenSSL alone would load an ECDSA certificate with an RSA key and fail every handshake.
  if (config.tls && !keyMatchesCertificate(config.tls.cert, config.tls.key)) {
    throw new ConfigError("tls.key is not the private key of tls.cert");
  }
  const refusals = new RefusalCounter();
  const loop = new EventLoopDelay();
  // Refusals are counted for the metrics and summarised in the log, never one line per client.
  const logger = new SummarizingLogger(input.logger ?? createLogger(), {
    intervalMs: input.logSummaryIntervalMs,
    onEvent: (event, fields) => refusals.count(event, fields),
  });
  const api = new GatewayApi({ apiUrl: config.apiUrl, secret: config.gatewaySecret });

  const meter = new UsageMeter();
  const pools = new UpstreamPools({
    freeSocketTimeoutMs: Math.min(4000, config.idleTimeoutMs),
    // A forwarded request uses one pooled connection at a time: a session never needs more per destination than its flow cap.
    maxSocketsPerSession: config.maxFlowsPerSession,
    meter,
  });
  const registry = new SessionRegistry({
    maxFlowsPerSession: config.maxFlowsPerSession,
    clockToleranceMs: config.clockToleranceSec * 1000,
    onSessionEnded: (id) => pools.dropSession(id),
  });
  const verifier = new CredentialVerifier({
    jwks: input.jwks ?? createRemoteJWKSet(new URL(routeUrl(config.apiUrl, "GET /.well-known/jwks.json"))),
    gatewayId: config.gatewayId,
    isRevoked: (id) => registry.isRevoked(id),
    clockToleranceSec: config.clockToleranceSec,
    cacheSize: config.credentialCacheSize,
  });
  // Set by the primary in a cluster worker; otherwise read from this process's own heartbeat.
  let refusingFromPrimary = false;
  const refusingNewFlows = () => (input.externalHeartbeat ? refusingFromPrimary : heartbeat.refusingNewFlows);
  const proxyDeps: ProxyDeps = {
    verifier,
    registry,
    meter,
    pools,
    policy: new DestinationPolicy({ allowLoopback: config.allowLoopback }),
    ports: new PortPolicy({ allowed: parsePortList(config.allowedPorts), allowLoopback: config.allowLoopback }),
    resolver: input.resolver ?? systemResolver,
    logger,
    idleTimeoutMs: config.idleTimeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    maxHeaderBytes: config.maxHeaderBytes,
    tunnelBufferBytes: config.tunnelBufferBytes,
    refusingNewFlows,
    retryAfterSec: retryAfterSec(config.heartbeatIntervalMs),
    pings: new PingCounter(),
  };
  const proxy = new ProxyHandler(proxyDeps);
  const reporter = new UsageReporter({
    api,
    meter,
    collect: () => {
      registry.chargeAll();
      pools.chargeAll();
    },
    intervalMs: config.flushIntervalMs,
    logger,
    journal: usageJournalFor(config),
  });
  const heartbeat = new Heartbeat({
    api,
    intervalMs: config.heartbeatIntervalMs,
    stats: () => ({
      activeSessions: registry.activeSessions,
      load: registry.openFlows / config.maxConnections,
      sessions: registry.carriedSessions(MAX_HEARTBEAT_SESSIONS),
    }),
    onRevoked: (ids) => {
      const dropped = registry.revoke(ids);
      if (dropped > 0) logger.info("sessions_revoked", { sessions: ids.length, connectionsDropped: dropped });
    },
    logger,
    missLimit: config.heartbeatMissLimit,
  });

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
  let reloadTls: RunningGateway["reloadTls"] = () => {
    logger.warn("tls_reload_failed", { error: "no_tls_listener" });
    return false;
  };
  let setTicketKeys: RunningGateway["setTicketKeys"] = () => false;
  let h2: Http2Listener | null = null;
  if (config.tls) {
    // An RSA certificate costs far more CPU per full handshake than ECDSA P-256 (README, "Which certificate").
    if (certificateKeyKind(config.tls.cert) === "rsa") {
      logger.warn("tls_certificate_rsa", { advice: "use an ECDSA P-256 certificate: less CPU per full handshake" });
    }
    const tlsServerOptions = { ...serverOptions, ALPNProtocols: H2_ALPN };
    const listener = createTlsListener(tlsServerOptions, config.tls, logger);
    reloadTls = listener.reload;
    setTicketKeys = (keys) => {
      listener.setTicketKeys(keys);
      return true;
    };
    const secure = track(listener.server);
    h2 = serveHttp2(listener.server, {
      streams: new H2Streams(proxyDeps),
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

  const sweeper = setInterval(() => {
    const dropped = registry.dropExpired();
    if (dropped > 0) logger.info("expired_sessions_dropped", { connectionsDropped: dropped });
    pools.sweep();
  }, EXPIRY_SWEEP_MS);
  sweeper.unref();
  if (!input.externalHeartbeat) heartbeat.start();
  reporter.start();
  logger.start();
  logger.info("gateway_started", { tls: tlsPort !== undefined, allowLoopback: config.allowLoopback });

  const flush = () => reporter.flush();
  let closing: Promise<void> | null = null;

  const close = async () => {
    const closed = Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
    for (const server of servers) server.closeIdleConnections();
    h2?.close();
    const graceEnds = Date.now() + config.shutdownGraceMs;
    while (registry.openFlows > 0 && Date.now() < graceEnds) await sleep(25);
    const cut = registry.dropAll();
    pools.destroyAll();
    for (const socket of sockets) socket.destroy();
    clearInterval(sweeper);
    heartbeat.stop();
    reporter.stop();
    const flushEnds = Date.now() + config.shutdownFlushTimeoutMs;
    let flushed = await flush();
    for (let wait = 200; !flushed && Date.now() < flushEnds; wait = Math.min(wait * 2, 2000)) {
      await sleep(Math.min(wait, Math.max(0, flushEnds - Date.now())));
      flushed = await flush();
    }
    await closed;
    logger.stop();
    loop.stop();
    if (flushed) logger.info("gateway_stopped", { connectionsCut: cut });
    else logger.error("gateway_stopped_with_unsent_usage", { connectionsCut: cut, sessions: meter.sessions });
  };

  return {
    port,
    tlsPort,
    flush,
    heartbeat: () => heartbeat.beat(),
    reloadTls: (material) => reloadTls(material),
    setTicketKeys: (keys) => setTicketKeys(keys),
    close: () => (closing ??= close()),
    stats: () => ({
      activeSessions: registry.activeSessions,
      openFlows: registry.openFlows,
      pooledConnections: pools.idleConnections(),
      signatureChecks: verifier.verifications,
    }),
    metrics: () =>
      takeSnapshot({
        registry,
        meter,
        reporter,
        heartbeat: input.externalHeartbeat ? null : heartbeat,
        refusals,
        loop,
        clientConnections: sockets.size,
        logLinesSuppressed: logger.suppressedTotal,
        refusingNewFlows: refusingNewFlows(),
        tlsConnections: h2?.connections,
        pingsAnswered: proxyDeps.pings.answered,
      }),
    carriedSessions: () => ({
      activeSessions: registry.activeSessions,
      openFlows: registry.openFlows,
      sessions: registry.carriedSessions(MAX_HEARTBEAT_SESSIONS),
    }),
    revoke: (sessionIds) => registry.revoke(sessionIds),
    refusingNewFlows,
    setRefusingNewFlows: (refusing) => {
      if (refusing !== refusingFromPrimary) logger.info(refusing ? "refusing_new_flows" : "accepting_new_flows");
      refusingFromPrimary = refusing;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
