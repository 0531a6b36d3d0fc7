/**
 * Wires one gateway together and runs it: listeners, credential checks,
 * session registry, usage reporting and heartbeats, and the shutdown order
 * (stop accepting → let open flows finish for a grace period → cut the rest
 * → send the last usage batch → done).
 *
 *   const gateway = await startGateway({ apiUrl, gatewayId, gatewaySecret, port: 0, allowLoopback: true });
 *   gateway.port;            // the plain listener's port (ephemeral when 0 was asked); tlsPort, tlsHttp1Port likewise
 *   await gateway.flush();   // report counted bytes now
 *   await gateway.close();
 */
import { routeUrl } from "@cargo-vpn/shared/route-client";
import { MAX_HEARTBEAT_SESSIONS } from "@cargo-vpn/shared/schemas";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { GatewayApi } from "./api/api-client";
import { ConfigError, resolveConfig, type GatewayConfig, type GatewayConfigInput } from "./gateway-settings";
import { CredentialVerifier } from "./auth/credentials";
import { DestinationPolicy, systemResolver, type Resolver } from "./policy/destination-policy";
import { Heartbeat } from "./api/heartbeat";
import { createLogger, SummarizingLogger, type Logger } from "./logger";
import { openListeners } from "./gateway-listeners";
import { flowsFinished, flushWithin } from "./gateway-shutdown";
import { EventLoopDelay, RefusalCounter, takeSnapshot, type MetricsSnapshot } from "./admin/metrics";
import { parsePortList, PortPolicy } from "./policy/port-policy";
import { PingCounter } from "./proxy/ping";
import type { ProxyDeps } from "./proxy/proxy-handler";
import { SessionRegistry } from "./auth/session-registry";
import { UpstreamPools } from "./proxy/upstream-pool";
import { UsageMeter } from "./accounting/usage-meter";
import { UsageReporter } from "./accounting/usage-reporter";
import { keyMatchesCertificate } from "./tls/tls-certificate";
import { usageJournalFor } from "./accounting/usage-journal";
import type { TlsMaterial } from "./tls/tls-listener";

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
  /** A cluster worker: tells its primary a session's holder ended it here, so every other worker ends it too. */
  announceSessionEnd?: (sessionId: string) => void;
}

export interface RunningGateway {
  port: number;
  tlsPort?: number;
  /** The http/1.1-only TLS listener's port (`tls.http1Port`, where the extension sends Firefox). */
  tlsHttp1Port?: number;
  /** Sends counted bytes now; resolves true when the API accepted everything. */
  flush(): Promise<boolean>;
  /** Sends a heartbeat now (revocations take effect before it resolves). */
  heartbeat(): Promise<boolean>;
  /** Graceful shutdown; resolves after the final usage flush. */
  close(): Promise<void>;
  /**
   * Swaps the TLS certificate for new handshakes on both TLS listeners (open tunnels keep theirs):
   * the PEMs given, or the configured files read again (SIGHUP). False when
   * there is no TLS listener or the new pair is unusable (the old one stays).
   */
  reloadTls(material?: TlsMaterial): boolean;
  /** Replaces the TLS session ticket keys of both TLS listeners (48 bytes; a cluster worker takes its primary's). False without a TLS listener. */
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
  const heartbeat = ownHeartbeat(api, config, registry, logger);
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
    endSession: (sessionId) => {
      const dropped = registry.revoke([sessionId]);
      logger.info("session_ended_by_holder", { connectionsDropped: dropped });
      input.announceSessionEnd?.(sessionId);
    },
  };
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

  const listeners = await openListeners({ config, deps: proxyDeps, logger });
  const sweeper = startExpirySweep(registry, pools, logger);
  if (!input.externalHeartbeat) heartbeat.start();
  reporter.start();
  logger.start();
  logger.info("gateway_started", {
    tls: listeners.tlsPort !== undefined,
    tlsHttp1: listeners.tlsHttp1Port !== undefined,
    allowLoopback: config.allowLoopback,
  });

  const flush = () => reporter.flush();
  let closing: Promise<void> | null = null;

  const close = async () => {
    const closed = listeners.stopAccepting();
    await flowsFinished(registry, config.shutdownGraceMs);
    const cut = registry.dropAll();
    pools.destroyAll();
    listeners.cutAll();
    clearInterval(sweeper);
    heartbeat.stop();
    reporter.stop();
    const flushed = await flushWithin(flush, config.shutdownFlushTimeoutMs);
    await closed;
    logger.stop();
    loop.stop();
    if (flushed) logger.info("gateway_stopped", { connectionsCut: cut });
    else logger.error("gateway_stopped_with_unsent_usage", { connectionsCut: cut, sessions: meter.sessions });
  };

  return {
    port: listeners.port,
    tlsPort: listeners.tlsPort,
    tlsHttp1Port: listeners.tlsHttp1Port,
    flush,
    heartbeat: () => heartbeat.beat(),
    reloadTls: (material) => listeners.reloadTls(material),
    setTicketKeys: (keys) => listeners.setTicketKeys(keys),
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
        clientConnections: listeners.clientConnections,
        logLinesSuppressed: logger.suppressedTotal,
        refusingNewFlows: refusingNewFlows(),
        tlsConnections: listeners.tlsConnections,
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

/** This process's own heartbeat (not started here; a cluster worker's primary beats for it instead). */
function ownHeartbeat(api: GatewayApi, config: GatewayConfig, registry: SessionRegistry, logger: Logger): Heartbeat {
  return new Heartbeat({
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
}

/** Every second: flows of sessions whose credential expired are cut, and idle pooled connections closed. */
function startExpirySweep(registry: SessionRegistry, pools: UpstreamPools, logger: Logger): NodeJS.Timeout {
  const sweeper = setInterval(() => {
    const dropped = registry.dropExpired();
    if (dropped > 0) logger.info("expired_sessions_dropped", { connectionsDropped: dropped });
    pools.sweep();
  }, EXPIRY_SWEEP_MS);
  sweeper.unref();
  return sweeper;
}
