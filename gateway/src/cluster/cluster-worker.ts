/**
 * One cluster worker: a whole gateway (startGateway) on the listeners the
 * primary shares, carrying its share of the client connections, checking
 * credentials, counting and reporting its own usage batches (its own
 * batchIds, so batches stay idempotent), but not beating: it tells the
 * primary which sessions it carries and takes revocations from it.
 *
 *   if (cluster.isWorker) await runWorker(config, logger);   // main.ts
 *
 * With a TLS listener it first asks the primary for the gateway's session ticket
 * keys and listens only once it has them, so a ticket issued by any worker
 * resumes here; each set the primary rotates in later is applied at once
 * (`setTicketKeys`), new handshakes only. The set is applied once more right
 * after listening, because Node's cluster itself hands every worker that
 * listens the keys of the first worker that did, which after a rotation are
 * the wrong ones.
 *
 * It stops gracefully (drain, cut, flush) on the primary's "shutdown", on
 * SIGTERM/SIGINT sent to it directly (a process-group signal), or when the
 * primary goes away.
 */
import { isPrimaryMessage, type PrimaryMessage, type WorkerMessage } from "./cluster-messages";
import { WORKER_COUNT_ENV, WORKER_INDEX_ENV } from "../cluster-worker-env";
import type { GatewayConfig } from "../gateway-settings";
import { startGateway, type RunningGateway } from "../gateway";
import { errorClass, type Logger } from "../logger";
import { TICKET_KEYS_BYTES } from "../tls/tls-listener";

/** How long a starting worker waits for the primary's ticket keys before giving up (the primary then sees it exit). */
const TICKET_KEYS_WAIT_MS = 10_000;

export async function runWorker(config: GatewayConfig, logger: Logger): Promise<void> {
  const count = Number(process.env[WORKER_COUNT_ENV] ?? 1);
  // maxConnections is the gateway's total; each worker takes its share (the primary deals connections round-robin).
  const maxConnections = Math.max(1, Math.ceil(config.maxConnections / count));
  const send = (message: WorkerMessage) => process.send?.(message);

  // Listening for the primary starts before the gateway does: a rotation sent while it starts must not be lost.
  let gateway: RunningGateway | undefined;
  let ticketKeys: Buffer | undefined;
  let ticketKeysArrived = () => {};
  const ticketKeysReady = new Promise<void>((resolve) => (ticketKeysArrived = resolve));
  const takeTicketKeys = (message: Extract<PrimaryMessage, { type: "cargo:ticket-keys" }>) => {
    const keys = typeof message.keys === "string" ? Buffer.from(message.keys, "base64") : Buffer.alloc(0);
    if (keys.length !== TICKET_KEYS_BYTES) return logger.error("tls_ticket_keys_refused", { bytes: keys.length });
    ticketKeys = keys;
    try {
      gateway?.setTicketKeys(keys);
    } catch (error) {
      return logger.error("tls_ticket_keys_refused", { error: errorClass(error) });
    }
    logger.info("tls_ticket_keys_applied", { generation: message.generation, listening: gateway !== undefined });
    ticketKeysArrived();
  };

  let closing: Promise<void> | null = null;
  const stop = (reason: string) => {
    if (closing || !gateway) return;
    logger.info("worker_stopping", { reason });
    closing = gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };

  process.on("message", (message) => {
    if (!isPrimaryMessage(message)) return;
    if (message.type === "cargo:ticket-keys") return takeTicketKeys(message);
    // Anything else is for a running gateway; the primary repeats revocations once this worker is ready.
    if (!gateway) return;
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
      case "cargo:refusing-new-flows":
        gateway.setRefusingNewFlows(message.refusing);
        break;
      case "cargo:shutdown":
        stop("primary");
        break;
    }
  });

  if (config.tls) {
    send({ type: "cargo:ticket-keys-wanted" });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no ticket keys from the primary")), TICKET_KEYS_WAIT_MS);
    });
    await Promise.race([ticketKeysReady, waited]).finally(() => clearTimeout(timer));
  }
  const running = await startGateway({
    ...config,
    ...(config.tls ? { tls: { ...config.tls, ticketKeys } } : {}),
    maxConnections,
    logger,
    externalHeartbeat: true,
    announceSessionEnd: (sessionId) => send({ type: "cargo:session-ended", sessionId }),
  });
  gateway = running;
  // Set again now that it listens: Node's cluster gives a listening worker the ticket keys the FIRST worker
  // had when it listened (net.Server's cluster "server data"), stale after a rotation; also covers a set
  // rotated in while the gateway started.
  if (ticketKeys) running.setTicketKeys(ticketKeys);
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // The primary forwards SIGHUP: read the certificate files again (ACME renewals); open tunnels stay.
  process.on("SIGHUP", () => {
    logger.info("signal_received", { signal: "SIGHUP" });
    running.reloadTls();
  });
  process.on("disconnect", () => stop("primary_gone"));
  send({
    type: "cargo:ready",
    port: running.port,
    ...(running.tlsPort !== undefined ? { tlsPort: running.tlsPort } : {}),
    ...(running.tlsHttp1Port !== undefined ? { tlsHttp1Port: running.tlsHttp1Port } : {}),
  });
}

export function workerIndex(): number {
  return Number(process.env[WORKER_INDEX_ENV] ?? 0);
}
