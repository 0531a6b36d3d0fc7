/**
 * One cluster worker: a whole gateway (startGateway) on the listeners the
 * primary shares, carrying its share of the connections, checking
 * credentials, counting and reporting its own usage batches (its own
 * batchIds, so batches stay idempotent), but not beating: it tells the
 * primary which sessions it carries and takes revocations from it.
 *
 *   if (cluster.isWorker) await runWorker(config, logger);   // main.ts
 *
 * It stops gracefully (drain, cut, flush) on the primary's "shutdown", on
 * SIGTERM/SIGINT sent to it directly (a process-group signal), or when the
 * primary goes away.
 */
import { WORKER_COUNT_ENV, WORKER_INDEX_ENV, isPrimaryMessage, type WorkerMessage } from "./cluster-messages";
import type { GatewayConfig } from "./config";
import { startGateway } from "./gateway";
import type { Logger } from "./logger";

export async function runWorker(config: GatewayConfig, logger: Logger): Promise<void> {
  const count = Number(process.env[WORKER_COUNT_ENV] ?? 1);
  // maxConnections is the node's total; each worker takes its share (the primary deals connections round-robin).
  const maxConnections = Math.max(1, Math.ceil(config.maxConnections / count));
  const gateway = await startGateway({ ...config, maxConnections, logger, externalHeartbeat: true });
  const send = (message: WorkerMessage) => process.send?.(message);

  let closing: Promise<void> | null = null;
  const stop = (reason: string) => {
    if (closing) return;
    logger.info("worker_stopping", { reason });
    closing = gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };

  process.on("message", (message) => {
    if (!isPrimaryMessage(message)) return;
    switch (message.type) {
      case "cargo:collect":
        send({ type: "cargo:reply", id: message.id, body: gateway.carriedSessions() });
        break;
      case "cargo:metrics":
        send({ type: "cargo:reply", id: message.id, body: gateway.metrics() });
        break;
      case "cargo:revoke": {
        const dropped = gateway.revoke(message.sessionIds);
        if (dropped > 0) logger.info("sessions_revoked", { sessions: message.sessionIds.length, connectionsDropped: dropped });
        break;
      }
      case "cargo:shutdown":
        stop("primary");
        break;
    }
  });
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // The primary forwards SIGHUP (certificate reload); without a listener the signal would kill the worker.
  process.on("SIGHUP", () => logger.info("signal_received", { signal: "SIGHUP" }));
  process.on("disconnect", () => stop("primary_gone"));
  send({ type: "cargo:ready", port: gateway.port, ...(gateway.tlsPort !== undefined ? { tlsPort: gateway.tlsPort } : {}) });
}

export function workerIndex(): number {
  return Number(process.env[WORKER_INDEX_ENV] ?? 0);
}
