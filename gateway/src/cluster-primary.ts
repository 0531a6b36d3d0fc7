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
import cluster, { type Worker } from "node:cluster";
import { MAX_HEARTBEAT_SESSIONS } from "@cargo-vpn/shared/schemas";
import { startAdminServer, type AdminServer } from "./admin-server";
import { GatewayApi } from "./api-client";
import type { ProcessSettings } from "./cluster-config";
import { type CarriedSessions, isWorkerMessage, type PrimaryMessage, WORKER_COUNT_ENV, WORKER_INDEX_ENV } from "./cluster-messages";
import { type GatewayConfig, TICKET_KEY_ROTATION_MS } from "./config";
import { MAX_CREDENTIAL_LIFETIME_SEC } from "./credentials";
import { Heartbeat } from "./heartbeat";
import type { Logger } from "./logger";
import { COUNTERS, EventLoopDelay, emptySnapshot, mergeSnapshots, type MetricsSnapshot } from "./metrics";
import { renderMetrics } from "./metrics-text";
import { newTicketKeys } from "./tls-listener";

/** How long the primary waits for a worker's answer before going on without it. */
const ASK_TIMEOUT_MS = 1000;
/** Restart delay after a worker died, doubling up to the maximum while workers keep dying. */
const RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  startedAtMs: number;
  /** Its newest metrics (as of the last scrape), used when it does not answer in time and folded into `retired` when it dies. */
  last: MetricsSnapshot | null;
}

export interface RunningPrimary {
  port: number;
  tlsPort?: number;
  adminPort?: number;
  /** Drains every worker, which flush their usage; resolves true when all exited cleanly. */
  close(): Promise<boolean>;
}

export async function runPrimary(config: GatewayConfig, settings: ProcessSettings, logger: Logger): Promise<RunningPrimary> {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const slots = new Map<number, Slot>();
  const pending = new Map<number, (body: unknown) => void>();
  const revoked = new Map<string, number>();
  /** Counters of workers that have exited, so the gateway's totals never go backwards. */
  let retired = emptySnapshot();
  let nextId = 1;
  let stopping = false;
  let startedOk = false;
  let restartDelay = RESTART_DELAY_MS;
  /** The heartbeat's verdict, told to every worker (and to one that starts later). */
  let refusingNewFlows = false;
  const loop = new EventLoopDelay();
  let listening: (value: { port: number; tlsPort?: number }) => void = () => {};
  let failedToStart: (error: Error) => void = () => {};
  const started = new Promise<{ port: number; tlsPort?: number }>((resolve, reject) => {
    listening = resolve;
    failedToStart = reject;
  });

  const send = (slot: Slot, message: PrimaryMessage) => {
    if (slot.worker.isConnected()) slot.worker.send(message);
  };

  // The gateway's one ticket key set, only when there is a TLS listener.
  const tickets = config.tls ? { keys: config.tls.ticketKeys ?? newTicketKeys(), generation: 1 } : null;
  const ticketKeysMessage = (current: { keys: Buffer; generation: number }): PrimaryMessage => ({
    type: "cargo:ticket-keys",
    keys: current.keys.toString("base64"),
    generation: current.generation,
  });

  const ask = <T>(slot: Slot, type: "cargo:collect" | "cargo:metrics"): Promise<T | null> =>
    new Promise((resolve) => {
      if (!slot.ready || !slot.worker.isConnected()) return resolve(null);
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(null);
      }, ASK_TIMEOUT_MS);
      pending.set(id, (body) => {
        clearTimeout(timer);
        resolve(body as T);
      });
      send(slot, { type, id });
    });

  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index), [WORKER_COUNT_ENV]: String(settings.workers) });
    const slot: Slot = { index, worker, ready: false, startedAtMs: Date.now(), last: null };
    slots.set(index, slot);
    worker.on("message", (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      const reply = message;
      if (reply.type === "cargo:ready") {
        slot.ready = true;
        if (revoked.size > 0) send(slot, { type: "cargo:revoke", sessionIds: [...revoked.keys()] });
        if (refusingNewFlows) send(slot, { type: "cargo:refusing-new-flows", refusing: true });
        if ([...slots.values()].every((s) => s.ready)) listening({ port: reply.port, tlsPort: reply.tlsPort });
      } else if (reply.type === "cargo:reply") {
        pending.get(reply.id)?.(reply.body);
        pending.delete(reply.id);
      } else if (reply.type === "cargo:ticket-keys-wanted") {
        if (tickets) send(slot, ticketKeysMessage(tickets));
      }
    });
    worker.on("exit", (code, signal) => {
      if (slots.get(index) === slot) slots.delete(index);
      if (slot.last) retired = addCounters(retired, slot.last);
      if (stopping) return;
      logger.error("worker_exited", { worker: index, code: code ?? -1, signal: signal ?? "none" });
      if (!startedOk) return failedToStart(new Error(`worker ${index} exited before listening`));
      // A worker that had run a while died of something passing: start again quickly. Crash loops back off.
      if (Date.now() - slot.startedAtMs > MAX_RESTART_DELAY_MS) restartDelay = RESTART_DELAY_MS;
      setTimeout(() => {
        if (!stopping) fork(index);
      }, restartDelay).unref();
      restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
    });
  };

  for (let index = 1; index <= settings.workers; index++) fork(index);
  let ports: { port: number; tlsPort?: number };
  try {
    ports = await started;
    startedOk = true;
  } catch (error) {
    stopping = true;
    for (const slot of slots.values()) slot.worker.process.kill("SIGKILL");
    throw error;
  }

  let ticketRotation: NodeJS.Timeout | undefined;
  if (tickets && config.tls && !config.tls.ticketKeys) {
    ticketRotation = setInterval(() => {
      tickets.keys = newTicketKeys();
      tickets.generation += 1;
      // Workers still starting may miss this; they ask for the current set before they listen.
      for (const slot of slots.values()) send(slot, ticketKeysMessage(tickets));
      logger.info("tls_ticket_keys_rotated", { generation: tickets.generation, workers: slots.size });
    }, config.tls.ticketKeyRotationMs ?? TICKET_KEY_ROTATION_MS);
    ticketRotation.unref();
  }

  const collectSessions = async (): Promise<CarriedSessions> => {
    const answers = await Promise.all([...slots.values()].map((slot) => ask<CarriedSessions>(slot, "cargo:collect")));
    const sessions = new Set<string>();
    let activeSessions = 0;
    let openFlows = 0;
    for (const answer of answers) {
      if (!answer) continue;
      activeSessions += answer.activeSessions;
      openFlows += answer.openFlows;
      for (const id of answer.sessions) if (sessions.size < MAX_HEARTBEAT_SESSIONS) sessions.add(id);
    }
    return { activeSessions, openFlows, sessions: [...sessions] };
  };

  const heartbeat = new Heartbeat({
    api: new GatewayApi({ apiUrl: config.apiUrl, secret: config.gatewaySecret }),
    intervalMs: config.heartbeatIntervalMs,
    stats: async () => {
      const carried = await collectSessions();
      return { activeSessions: carried.activeSessions, load: carried.openFlows / config.maxConnections, sessions: carried.sessions };
    },
    onRevoked: (sessionIds) => {
      const now = Date.now();
      for (const id of sessionIds) revoked.set(id, now);
      const forgetBefore = now - (MAX_CREDENTIAL_LIFETIME_SEC + config.clockToleranceSec) * 1000;
      for (const [id, at] of revoked) if (at < forgetBefore) revoked.delete(id);
      for (const slot of slots.values()) send(slot, { type: "cargo:revoke", sessionIds });
      logger.info("sessions_revoked", { sessions: sessionIds.length });
    },
    logger,
    missLimit: config.heartbeatMissLimit,
    // Sent after any revocations of the same beat, on the same ordered channel.
    onRefusingChange: (refusing) => {
      refusingNewFlows = refusing;
      for (const slot of slots.values()) send(slot, { type: "cargo:refusing-new-flows", refusing });
    },
  });
  heartbeat.start();

  const metricsText = async (): Promise<string> => {
    const live = [...slots.values()];
    const answers = await Promise.all(live.map((slot) => ask<MetricsSnapshot>(slot, "cargo:metrics")));
    live.forEach((slot, i) => {
      if (answers[i]) slot.last = answers[i];
    });
    const workers = live.filter((slot) => slot.last).map((slot) => ({ worker: slot.index, snapshot: slot.last! }));
    const own = {
      ...emptySnapshot(),
      heartbeatAgeSeconds: heartbeat.ageSeconds(),
      heartbeatFailures: heartbeat.failures,
      heartbeatsMissed: heartbeat.missedInARow,
      refusingNewFlows: heartbeat.refusingNewFlows ? 1 : 0,
      eventLoopDelay: loop.read(),
    };
    const total = mergeSnapshots([own, retired, ...workers.map((w) => w.snapshot)]);
    return renderMetrics(total, { workers: workers.sort((a, b) => a.worker - b.worker), workerCount: live.filter((s) => s.ready).length });
  };

  let admin: AdminServer | undefined;
  if (settings.admin) {
    admin = await startAdminServer({
      ...settings.admin,
      metrics: metricsText,
      healthy: () => !stopping && [...slots.values()].some((slot) => slot.ready),
      refusingNewFlows: () => heartbeat.refusingNewFlows,
    });
  }

  process.on("SIGHUP", () => {
    // Only to workers that are up: one still starting has no handler yet, and SIGHUP would kill it.
    const ready = [...slots.values()].filter((slot) => slot.ready);
    logger.info("signal_forwarded", { signal: "SIGHUP", workers: ready.length });
    for (const slot of ready) slot.worker.process.kill("SIGHUP");
  });

  const close = async (): Promise<boolean> => {
    stopping = true;
    clearInterval(ticketRotation);
    const exits = [...slots.values()].map(
      (slot) => new Promise<boolean>((resolve) => slot.worker.once("exit", (code) => resolve(code === 0))),
    );
    // A worker still starting carries nothing and does not listen for messages yet: a signal ends it.
    for (const slot of slots.values()) {
      if (slot.ready) send(slot, { type: "cargo:shutdown" });
      else slot.worker.process.kill("SIGTERM");
    }
    // A worker stuck past its own grace and flush budget is killed.
    const budget = config.shutdownGraceMs + config.shutdownFlushTimeoutMs + 5000;
    const killer = setTimeout(() => {
      for (const slot of slots.values()) slot.worker.process.kill("SIGKILL");
    }, budget);
    const clean = (await Promise.all(exits)).every(Boolean);
    clearTimeout(killer);
    heartbeat.stop();
    loop.stop();
    await admin?.close();
    return clean;
  };

  return { ...ports, ...(admin ? { adminPort: admin.port } : {}), close };
}

function addCounters(into: MetricsSnapshot, from: MetricsSnapshot): MetricsSnapshot {
  const sum = { ...into, refusals: { ...into.refusals } };
  for (const key of COUNTERS) sum[key] += from[key];
  for (const [reason, count] of Object.entries(from.refusals)) sum.refusals[reason] = (sum.refusals[reason] ?? 0) + count;
  return sum;
}
