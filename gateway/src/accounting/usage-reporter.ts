/**
 * Sends the usage meter's deltas to `POST /v1/gateway/usage` in batches.
 *
 * At most one batch is outstanding at a time. A batch that fails is kept and
 * sent again later with the SAME batchId, so the API applies it once even
 * if an earlier attempt did land; bytes counted meanwhile wait in the meter
 * for the next batch. Nothing counted is dropped, whatever the API answers.
 *
 *   const reporter = new UsageReporter({ api, meter, collect: () => registry.chargeAll(), intervalMs, logger });
 *   reporter.start();
 *   await reporter.flush();   // now (tests, shutdown); true when everything was accepted
 *   reporter.stop();
 */
import { MAX_USAGE_REPORTS_PER_BATCH } from "@cargo-vpn/shared/schemas";
import { randomUUID } from "node:crypto";
import type { GatewayApi } from "../api/api-client";
import type { Logger } from "../logger";
import type { UsageJournal } from "./usage-journal";
import type { UsageMeter, UsageReport } from "./usage-meter";

const MAX_BACKOFF_MS = 60_000;
/** Batches sent per flush, so a long backlog does not monopolise one tick. */
const MAX_BATCHES_PER_FLUSH = 20;

interface Batch {
  batchId: string;
  reports: UsageReport[];
  attempts: number;
  /** When its oldest bytes were counted (the meter's stamp when the batch was cut). */
  sinceMs: number;
}

export interface UsageReporterOptions {
  api: GatewayApi;
  meter: UsageMeter;
  /** Called before each batch is cut, to move the bytes of open flows and pooled connections into the meter. */
  collect: () => void;
  intervalMs: number;
  logger: Logger;
  /** Where unacknowledged usage survives a crash of this process (usage-journal.ts); none by default. */
  journal?: UsageJournal;
}

export class UsageReporter {
  private outstanding: Batch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> = Promise.resolve(true);
  private failures = 0;
  private stopped = true;
  /** Batch attempts the API accepted / did not, since start (metrics). */
  batchesAccepted = 0;
  batchesFailed = 0;

  constructor(private readonly options: UsageReporterOptions) {
    const saved = options.journal?.load();
    if (saved) {
      // A previous process's batch goes again with its own batchId (applied at most once); its deltas wait in the meter.
      if (saved.outstanding) this.outstanding = { ...saved.outstanding, attempts: 0 };
      options.meter.restore(saved.pending);
      options.logger.info("usage_journal_restored", {
        outstandingReports: saved.outstanding?.reports.length ?? 0,
        pendingSessions: saved.pending.length,
      });
    }
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.options.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sends the outstanding batch and then new deltas. Flushes never overlap. */
  flush(): Promise<boolean> {
    this.running = this.running.then(() => this.flushOnce());
    return this.running;
  }

  /**
   * Age in ms of the oldest counted bytes the API has not accepted yet (0 when
   * none wait): the outstanding batch's, else the meter's. Bytes of open flows
   * enter the meter at each flush (and each metrics scrape).
   */
  lagMs(now = Date.now()): number {
    const since = this.outstanding?.sinceMs ?? this.options.meter.pendingSinceMs;
    return since === null ? 0 : Math.max(0, now - since);
  }

  /** True while a batch is waiting to be acknowledged. */
  get hasOutstanding(): boolean {
    return this.outstanding !== null;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      const ok = await this.flush();
      this.failures = ok ? 0 : this.failures + 1;
      this.schedule(this.nextDelay());
    }, delayMs);
    this.timer.unref();
  }

  private nextDelay(): number {
    if (this.failures === 0) return this.options.intervalMs;
    const base = Math.min(this.options.intervalMs * 2 ** this.failures, MAX_BACKOFF_MS);
    return base / 2 + Math.random() * (base / 2);
  }

  /** Writes what is not acknowledged yet to the journal, if there is one. */
  private journal(): void {
    const batch = this.outstanding;
    this.options.journal?.save({
      outstanding: batch ? { batchId: batch.batchId, reports: batch.reports, sinceMs: batch.sinceMs } : null,
      pending: this.options.meter.peek(),
    });
  }

  private async flushOnce(): Promise<boolean> {
    try {
      return await this.sendBatches();
    } finally {
      this.journal();
    }
  }

  private async sendBatches(): Promise<boolean> {
    this.options.collect();
    for (let i = 0; i < MAX_BATCHES_PER_FLUSH; i++) {
      if (!this.outstanding) {
        const sinceMs = this.options.meter.pendingSinceMs ?? Date.now();
        const reports = this.options.meter.take(MAX_USAGE_REPORTS_PER_BATCH);
        if (reports.length === 0) return true;
        this.outstanding = { batchId: randomUUID(), reports, attempts: 0, sinceMs };
      }
      const batch = this.outstanding;
      // Before the request leaves: a kill while it is in flight finds this batch, with its id, in the journal.
      this.journal();
      batch.attempts++;
      const result = await this.options.api.post("POST /v1/gateway/usage", { batchId: batch.batchId, reports: batch.reports });
      if (!result.ok) {
        this.batchesFailed++;
        this.options.logger.warn("usage_batch_failed", {
          failure: result.failure,
          retryable: result.retryable,
          attempts: batch.attempts,
          reports: batch.reports.length,
        });
        return false;
      }
      this.outstanding = null;
      this.batchesAccepted++;
      this.options.logger.info("usage_batch_sent", {
        reports: batch.reports.length,
        accepted: result.body.accepted,
        attempts: batch.attempts,
      });
    }
    return this.options.meter.sessions === 0;
  }
}
