/**
 * A small on-disk journal of the usage a gateway process has counted but the
 * API has not acknowledged: the outstanding batch (with its batchId) and the
 * meter's deltas. The reporter rewrites it at every flush, so a process killed
 * with SIGKILL, even mid-flush, loses nothing that was in the meter or in the
 * outstanding batch; the replacement (same file: same gateway and worker
 * index) sends the batch again with the SAME batchId, which the API applies
 * at most once, and reports the deltas in its next batch. What it holds is
 * what a usage batch holds: session ids and byte counts.
 *
 * Writes go to a temporary file, flushed to disk, then renamed over the
 * journal, so a kill mid-write leaves the previous journal whole.
 *
 *   const journal = new UsageJournal(join(dir, `usage-${gatewayId}-${worker}.json`));
 *   const saved = journal.load();   // null when none
 *   journal.save({ outstanding, pending });
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { WORKER_INDEX_ENV } from "../cluster-worker-env";
import type { UsageReport } from "./usage-meter";

interface JournalBatch {
  batchId: string;
  reports: UsageReport[];
  sinceMs: number;
}

export interface JournalState {
  outstanding: JournalBatch | null;
  pending: UsageReport[];
}

const isReport = (r: unknown): r is UsageReport =>
  typeof r === "object" &&
  r !== null &&
  typeof (r as UsageReport).sessionId === "string" &&
  Number.isSafeInteger((r as UsageReport).bytesUp) &&
  Number.isSafeInteger((r as UsageReport).bytesDown);

export class UsageJournal {
  private last = "";

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** The saved state, or null when there is none; throws on a journal that is not one (never silently drop counts). */
  load(): JournalState | null {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    const state = JSON.parse(text) as JournalState;
    const batch = state.outstanding;
    const batchOk = batch === null || (typeof batch?.batchId === "string" && Array.isArray(batch.reports) && batch.reports.every(isReport));
    if (!batchOk || !Array.isArray(state.pending) || !state.pending.every(isReport)) {
      throw new Error(`usage journal ${this.path} is not a usage journal`);
    }
    this.last = text;
    return state;
  }

  save(state: JournalState): void {
    const text = JSON.stringify(state);
    if (text === this.last) return;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, text, { flush: true });
    renameSync(tmp, this.path);
    this.last = text;
  }
}

/**
 * This process's journal, when the gateway has a journal folder: one file per gateway and cluster
 * worker index (0 when not clustered), so a worker's replacement reads its predecessor's.
 */
export function usageJournalFor(config: { usageJournalDir: string; gatewayId: string }): UsageJournal | undefined {
  if (!config.usageJournalDir) return undefined;
  const worker = Number(process.env[WORKER_INDEX_ENV] ?? 0);
  const safeId = config.gatewayId.replace(/[^A-Za-z0-9_-]/g, "_");
  return new UsageJournal(join(config.usageJournalDir, `usage-${safeId}-${worker}.json`));
}
