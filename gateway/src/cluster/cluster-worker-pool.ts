/**
 * The cluster primary's workers (cluster-primary.ts): forks one per slot,
 * restarts one that dies (backing off while they keep dying), asks them
 * questions over IPC with a timeout, broadcasts to them, keeps the counters
 * of workers that exited, and drains them at shutdown.
 *
 *   const pool = new WorkerPool({ workers: 4, logger, greeting, ticketKeys });
 *   const ports = await pool.start();                    // every worker listening
 *   const answer = await pool.ask<CarriedSessions>(slot, "cargo:collect");
 *   pool.broadcast({ type: "cargo:revoke", sessionIds });
 *   const clean = await pool.drain(budgetMs);
 */
import cluster, { type Worker } from "node:cluster";
import { isWorkerMessage, type PrimaryMessage } from "./cluster-messages";
import { WORKER_COUNT_ENV, WORKER_INDEX_ENV } from "../cluster-worker-env";
import type { Logger } from "../logger";
import { COUNTERS, emptySnapshot, type MetricsSnapshot } from "../admin/metrics";

/** How long the primary waits for a worker's answer before going on without it. */
const ASK_TIMEOUT_MS = 1000;
/** Restart delay after a worker died, doubling up to the maximum while workers keep dying. */
const RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

export interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  startedAtMs: number;
  /** Its newest metrics (as of the last scrape), used when it does not answer in time and folded into `retired` when it dies. */
  last: MetricsSnapshot | null;
}

export interface ListeningPorts {
  port: number;
  tlsPort?: number;
  tlsHttp1Port?: number;
}

export interface WorkerPoolOptions {
  workers: number;
  logger: Logger;
  /** What a worker is told as soon as it is ready: what it missed while starting (revocations, the heartbeat's verdict). */
  greeting: () => PrimaryMessage[];
  /** The current TLS session ticket key set, for a worker that asks before it listens; null without a TLS listener. */
  ticketKeys: () => PrimaryMessage | null;
  /** A worker's client ended its own session there (proxy/session-end.ts): end it in every worker. */
  sessionEnded?: (sessionId: string) => void;
}

export class WorkerPool {
  private readonly slotsByIndex = new Map<number, Slot>();
  private readonly pending = new Map<number, (body: unknown) => void>();
  private nextId = 1;
  private startedOk = false;
  private restartDelay = RESTART_DELAY_MS;
  private listening: (ports: ListeningPorts) => void = () => {};
  private failedToStart: (error: Error) => void = () => {};
  /** True once shutdown began (or start failed): dying workers are not replaced. */
  stopping = false;
  /** Counters of workers that have exited, so the gateway's totals never go backwards. */
  retired = emptySnapshot();

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Forks every worker; resolves with the shared listeners' ports once all are ready, or kills them all and throws when one died first. */
  async start(): Promise<ListeningPorts> {
    cluster.schedulingPolicy = cluster.SCHED_RR;
    const started = new Promise<ListeningPorts>((resolve, reject) => {
      this.listening = resolve;
      this.failedToStart = reject;
    });
    for (let index = 1; index <= this.options.workers; index++) this.fork(index);
    try {
      const ports = await started;
      this.startedOk = true;
      return ports;
    } catch (error) {
      this.stopping = true;
      for (const slot of this.slots()) slot.worker.process.kill("SIGKILL");
      throw error;
    }
  }

  slots(): Slot[] {
    return [...this.slotsByIndex.values()];
  }

  get size(): number {
    return this.slotsByIndex.size;
  }

  send(slot: Slot, message: PrimaryMessage): void {
    if (slot.worker.isConnected()) slot.worker.send(message);
  }

  broadcast(message: PrimaryMessage): void {
    for (const slot of this.slotsByIndex.values()) this.send(slot, message);
  }

  /** The worker's answer, or null when it is not ready or did not answer within ASK_TIMEOUT_MS. */
  ask<T>(slot: Slot, type: "cargo:collect" | "cargo:metrics"): Promise<T | null> {
    return new Promise((resolve) => {
      if (!slot.ready || !slot.worker.isConnected()) return resolve(null);
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, ASK_TIMEOUT_MS);
      this.pending.set(id, (body) => {
        clearTimeout(timer);
        resolve(body as T);
      });
      this.send(slot, { type, id });
    });
  }

  /** The workers that are up: only these get a forwarded signal, as one still starting has no handler yet and the signal would kill it. */
  readySlots(): Slot[] {
    return this.slots().filter((slot) => slot.ready);
  }

  /** Asks every worker to shut down (they flush their usage); resolves true when all exited cleanly. */
  async drain(budgetMs: number): Promise<boolean> {
    this.stopping = true;
    const exits = this.slots().map((slot) => new Promise<boolean>((resolve) => slot.worker.once("exit", (code) => resolve(code === 0))));
    // A worker still starting carries nothing and does not listen for messages yet: a signal ends it.
    for (const slot of this.slotsByIndex.values()) {
      if (slot.ready) this.send(slot, { type: "cargo:shutdown" });
      else slot.worker.process.kill("SIGTERM");
    }
    // A worker stuck past its own grace and flush budget is killed.
    const killer = setTimeout(() => {
      for (const slot of this.slotsByIndex.values()) slot.worker.process.kill("SIGKILL");
    }, budgetMs);
    const clean = (await Promise.all(exits)).every(Boolean);
    clearTimeout(killer);
    return clean;
  }

  private fork(index: number): void {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index), [WORKER_COUNT_ENV]: String(this.options.workers) });
    const slot: Slot = { index, worker, ready: false, startedAtMs: Date.now(), last: null };
    this.slotsByIndex.set(index, slot);
    worker.on("message", (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      const reply = message;
      if (reply.type === "cargo:ready") {
        slot.ready = true;
        for (const missed of this.options.greeting()) this.send(slot, missed);
        if (this.slots().every((s) => s.ready)) {
          const { port, tlsPort, tlsHttp1Port } = reply;
          this.listening({ port, tlsPort, tlsHttp1Port });
        }
      } else if (reply.type === "cargo:reply") {
        this.pending.get(reply.id)?.(reply.body);
        this.pending.delete(reply.id);
      } else if (reply.type === "cargo:ticket-keys-wanted") {
        const keys = this.options.ticketKeys();
        if (keys) this.send(slot, keys);
      } else if (reply.type === "cargo:session-ended") {
        this.options.sessionEnded?.(reply.sessionId);
      }
    });
    worker.on("exit", (code, signal) => {
      if (this.slotsByIndex.get(index) === slot) this.slotsByIndex.delete(index);
      if (slot.last) this.retired = addCounters(this.retired, slot.last);
      if (this.stopping) return;
      this.options.logger.error("worker_exited", { worker: index, code: code ?? -1, signal: signal ?? "none" });
      if (!this.startedOk) return this.failedToStart(new Error(`worker ${index} exited before listening`));
      // A worker that had run a while died of something passing: start again quickly. Crash loops back off.
      if (Date.now() - slot.startedAtMs > MAX_RESTART_DELAY_MS) this.restartDelay = RESTART_DELAY_MS;
      setTimeout(() => {
        if (!this.stopping) this.fork(index);
      }, this.restartDelay).unref();
      this.restartDelay = Math.min(this.restartDelay * 2, MAX_RESTART_DELAY_MS);
    });
  }
}

function addCounters(into: MetricsSnapshot, from: MetricsSnapshot): MetricsSnapshot {
  const sum = { ...into, refusals: { ...into.refusals } };
  for (const key of COUNTERS) sum[key] += from[key];
  for (const [reason, count] of Object.entries(from.refusals)) sum.refusals[reason] = (sum.refusals[reason] ?? 0) + count;
  return sum;
}
