/**
 * The cluster primary: forks one worker per core (cluster-worker.ts), deals
 * the shared listeners' connections to them round-robin, beats for all of
 * them, serves the admin listener, and runs the shutdown.
 *
 *   if (cluster.isPrimary) await runPrimary(config, settings, logger);   // main.ts
 *
 * Why the primary beats rather than each worker: the API keeps one
 * activeSessions/load row per gateway, overwritten by every beat, so N
 * workers beating would make the figures flicker to whichever beat last. The
 * primary asks every worker for the sessions it carries, sends ONE beat with
 * the sums and the union, and broadcasts the answer's revokedSessions to all
 * workers at once — revocation reaches every worker within one heartbeat.
 * It also remembers recent revocations for workers it starts later.
 *
 * Why `cluster` round-robin and not `reusePort`: the primary accepts and
 * hands each connection to the next worker in turn, so tunnels spread evenly
 * even when one browser opens a handful; reusePort balances by a hash of the
 * connection's addresses and ports, which is uneven for few connections, and
 * needs the port chosen up front. The cost is one IPC hand-off per new
 * connection in the primary, not per byte.
 *
 * Why the primary owns the TLS session ticket keys: connections are dealt in
 * turn, so a browser that reconnects lands on another worker about every
 * other time, and a ticket sealed with one worker's keys would not open on
 * another. The primary makes one key set, answers each worker's request for
 * it before that worker listens (a crash replacement gets the set in use),
 * and rotates it every `tls.ticketKeyRotationMs`, sending the new set to all
 * workers. Node keeps a single set per server, so a rotation costs each
 * browser one full handshake, as in single-process mode (tls-listener.ts).
 * Keys given in `tls.ticketKeys` are handed out as they are and not rotated.
 * (Node's cluster copies the first worker's keys to the others once, as they
 * listen, and never again: workers rotating on their own drifted apart, and a
 * replacement got the keys of that first listen.)
 *
 * Usage is NOT aggregated here: each worker reports its own deltas with its
 * own batchIds. The per-session flow cap holds per worker.
 */
import { startAdminServer, type AdminServer } from "../admin/admin-server";
import type { ProcessSettings } from "./process-settings";
import { ClusterVerdicts, startClusterHeartbeat } from "./cluster-heartbeat";
import { clusterMetricsText } from "./cluster-metrics";
import { ClusterTicketKeys } from "./cluster-ticket-keys";
import { WorkerPool } from "./cluster-worker-pool";
import type { GatewayConfig } from "../gateway-settings";
import type { Logger } from "../logger";
import { EventLoopDelay } from "../admin/metrics";

export interface RunningPrimary {
  port: number;
  tlsPort?: number;
  tlsHttp1Port?: number;
  adminPort?: number;
  /** Drains every worker, which flush their usage; resolves true when all exited cleanly. */
  close(): Promise<boolean>;
}

export async function runPrimary(config: GatewayConfig, settings: ProcessSettings, logger: Logger): Promise<RunningPrimary> {
  const loop = new EventLoopDelay();
  // The gateway's one ticket key set, only when there is a TLS listener.
  const tickets = ClusterTicketKeys.for(config.tls);
  const verdicts = new ClusterVerdicts(config.clockToleranceSec);
  const pool = new WorkerPool({
    workers: settings.workers,
    logger,
    greeting: () => verdicts.greeting(),
    ticketKeys: () => tickets?.message() ?? null,
    // As a heartbeat's revocation, for one session: every worker, and one that starts later, refuses it.
    sessionEnded: (sessionId) => {
      verdicts.noteRevoked([sessionId]);
      pool.broadcast({ type: "cargo:revoke", sessionIds: [sessionId] });
    },
  });
  const ports = await pool.start();
  tickets?.startRotating(pool, logger);
  const heartbeat = startClusterHeartbeat({ config, pool, verdicts, logger });

  let admin: AdminServer | undefined;
  if (settings.admin) {
    admin = await startAdminServer({
      ...settings.admin,
      metrics: () => clusterMetricsText(pool, heartbeat, loop),
      healthy: () => !pool.stopping && pool.readySlots().length > 0,
      refusingNewFlows: () => heartbeat.refusingNewFlows,
    });
  }

  process.on("SIGHUP", () => {
    const ready = pool.readySlots();
    logger.info("signal_forwarded", { signal: "SIGHUP", workers: ready.length });
    for (const slot of ready) slot.worker.process.kill("SIGHUP");
  });

  const close = async (): Promise<boolean> => {
    tickets?.stop();
    const clean = await pool.drain(config.shutdownGraceMs + config.shutdownFlushTimeoutMs + 5000);
    heartbeat.stop();
    loop.stop();
    await admin?.close();
    return clean;
  };

  return { ...ports, ...(admin ? { adminPort: admin.port } : {}), close };
}
