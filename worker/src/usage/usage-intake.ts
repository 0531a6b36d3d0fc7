/**
 * One SQLite-backed Durable Object per gateway: its usage intake. A gateway's
 * usage batch is one call here and one SQLite row (the batch id is the key,
 * the reports one JSON value), written before the call answers, so a batch is
 * wholly taken or not at all and a retried batch id counts nothing. Every
 * `usageFoldSeconds` (an alarm) the intake folds: it sums all batches taken
 * since the last fold per session and adds the sums to D1 in one batch of
 * statements for all the gateway's sessions, so D1 and Durable Object work
 * grow with gateways and folds, not with users and flushes.
 *
 * Exactly once: a fold's contents are fixed durably (one `folds` row, the
 * batch rows deleted in the same transaction) before D1 is asked, and each
 * session row in D1 records the last fold it counted (`usage_fold`, increasing
 * per gateway; a session is carried by one gateway), so a fold retried after a
 * failure or a crash adds to each session once. Only one fold is in flight: a
 * fold that D1 refused is retried, with the same seq and contents, before the
 * next is made. Folded batch ids stay in the fold's row for the gateways'
 * retry window (USAGE_BATCH_RETENTION_MS), then the row goes.
 *
 * Live counters: the sums not in D1 yet are kept in memory (rebuilt from the
 * rows after a restart) and answered per session by `unfolded`, with the seqs
 * that let a reader tell what D1 already holds (usage/live-usage.ts).
 *
 * What it stores: batch ids (the gateway's random UUIDs), session ids, byte
 * counts and times. No account, address, host or name.
 *
 * Reach it only through `usageIntake(ctx, gatewayId)`.
 */
import { DurableObject } from "cloudflare:workers";
import { USAGE_BATCH_RETENTION_MS } from "../constants";
import type { AppContext } from "../context";
import type { Env } from "../env";
import { parseSettings } from "../settings";
import { meter } from "./meter";

/** One session's bytes in a batch: [sessionId, bytesUp, bytesDown]. */
export type IntakeReport = [string, number, number];

/**
 * What an intake holds for one session that D1 may not have yet:
 * [sessionId, pendingSeq, pendingUp, pendingDown, lastSeq, up, down]. `pending*` is the share of the fold
 * being applied (seq `pendingSeq`, 0 when none): in D1 once the session's `usage_fold` reached it.
 * `up`/`down` came after the newest fold made (seq `lastSeq`): in D1 once the session's `usage_fold`
 * passed it (the next fold takes every batch taken before it).
 */
export type UnfoldedRow = [string, number, number, number, number, number, number];

/** A D1 fold refused: tried again this much later. */
const FOLD_RETRY_MS = 15_000;

interface Sum {
  up: number;
  down: number;
  /** When the last bytes of it were taken (the session's last activity, for D1's idle scan). */
  at: number;
}

type FoldPart = [string, number, number, number];

export class UsageIntake extends DurableObject<Env> {
  private hasTables = false;
  /** Batch ids taken in the retry window: unfolded ones and those inside kept fold rows. */
  private readonly known = new Set<string>();
  /** Sums of the batches taken since the newest fold was made. */
  private sinceFold = new Map<string, Sum>();
  private sinceFoldBatches = 0;
  private pending: { seq: number; sums: Map<string, Sum> } | null = null;
  private lastSeq = 0;
  /** The alarm as this instance set it (null: unknown or none). */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    if (this.tables(false)) this.load();
  }

  /** The tables, made on the first batch only (a gateway that never reported leaves no file). */
  private tables(create: boolean): boolean {
    if (this.hasTables) return true;
    const sql = this.ctx.storage.sql;
    this.hasTables = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'").toArray().length > 0;
    if (this.hasTables || !create) return this.hasTables;
    // WITHOUT ROWID: one b-tree, so a batch is one row written.
    sql.exec(`
      CREATE TABLE batches (id TEXT PRIMARY KEY, taken_at INTEGER NOT NULL, reports TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE folds (seq INTEGER PRIMARY KEY, made_at INTEGER NOT NULL, batch_ids TEXT NOT NULL, parts TEXT);`);
    this.hasTables = true;
    return true;
  }

  /** The memory of a fresh instance, from the rows: unfolded sums, the fold in flight, known batch ids. */
  private load(): void {
    const sql = this.ctx.storage.sql;
    for (const row of sql.exec<{ id: string; taken_at: number; reports: string }>("SELECT * FROM batches")) {
      this.known.add(row.id);
      this.sinceFoldBatches++;
      add(this.sinceFold, JSON.parse(row.reports) as IntakeReport[], row.taken_at);
    }
    for (const row of sql.exec<{ seq: number; batch_ids: string; parts: string | null }>("SELECT seq, batch_ids, parts FROM folds")) {
      for (const id of JSON.parse(row.batch_ids) as string[]) this.known.add(id);
      this.lastSeq = Math.max(this.lastSeq, row.seq);
      if (row.parts !== null) this.pending = { seq: row.seq, sums: sumsOf(JSON.parse(row.parts) as FoldPart[]) };
    }
  }

  /**
   * Takes a batch once: false when this batch id was taken before. `rowsWritten` is this object's own
   * SQLite rows written (the scale bench sums it).
   */
  async take(batchId: string, reports: IntakeReport[], nowMs: number): Promise<{ taken: boolean; rowsWritten: number }> {
    if (this.known.has(batchId)) return { taken: false, rowsWritten: 0 };
    let rowsWritten: number;
    try {
      rowsWritten = this.ctx.storage.transactionSync(() => {
        this.tables(true);
        return this.ctx.storage.sql.exec(
          "INSERT INTO batches (id, taken_at, reports) VALUES (?, ?, ?)",
          batchId,
          nowMs,
          JSON.stringify(reports),
        ).rowsWritten;
      });
    } catch (error) {
      // Rolled back, perhaps with the tables' creation.
      this.hasTables = false;
      throw error;
    }
    this.known.add(batchId);
    this.sinceFoldBatches++;
    add(this.sinceFold, reports, nowMs);
    await this.scheduleAt(nowMs + this.foldMs());
    return { taken: true, rowsWritten };
  }

  /** What this intake holds for these sessions and D1 may not have yet (see UnfoldedRow). */
  async unfolded(sessionIds: string[]): Promise<UnfoldedRow[]> {
    const rows: UnfoldedRow[] = [];
    for (const id of sessionIds) {
      const pending = this.pending?.sums.get(id);
      const since = this.sinceFold.get(id);
      if (!pending && !since) continue;
      rows.push([
        id,
        pending ? this.pending!.seq : 0,
        pending?.up ?? 0,
        pending?.down ?? 0,
        this.lastSeq,
        since?.up ?? 0,
        since?.down ?? 0,
      ]);
    }
    return rows;
  }

  /** Erasure: these sessions' bytes leave the batches and the fold in flight (their D1 rows are gone already). */
  async purge(sessionIds: string[]): Promise<void> {
    if (!this.tables(false)) return;
    const gone = new Set(sessionIds);
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const row of sql.exec<{ id: string; reports: string }>("SELECT id, reports FROM batches").toArray()) {
        const reports = JSON.parse(row.reports) as IntakeReport[];
        const kept = reports.filter(([id]) => !gone.has(id));
        if (kept.length < reports.length) sql.exec("UPDATE batches SET reports = ? WHERE id = ?", JSON.stringify(kept), row.id);
      }
      if (this.pending && sessionIds.some((id) => this.pending!.sums.has(id))) {
        for (const id of sessionIds) this.pending.sums.delete(id);
        sql.exec("UPDATE folds SET parts = ? WHERE seq = ?", JSON.stringify(partsOf(this.pending.sums)), this.pending.seq);
      }
    });
    for (const id of sessionIds) this.sinceFold.delete(id);
  }

  /** The fold: makes one from the batches taken (unless one is in flight), applies it to D1, prunes old batch ids. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    if (!this.tables(false)) return;
    const nowMs = Date.now();
    meter(this.env, { intakeAlarms: 1 });
    if (!this.pending && this.sinceFoldBatches > 0) this.makeFold(nowMs);
    const applied = this.pending ? await this.applyPending() : true;
    const pruned = this.prune(nowMs);
    meter(this.env, { intakeDoRowsWritten: pruned });
    // This handler's choice stands (a batch taken while it ran is in sinceFoldBatches): set, not "at or sooner".
    let next: number | null = null;
    if (!applied) next = nowMs + FOLD_RETRY_MS;
    else if (this.sinceFoldBatches > 0) next = nowMs + this.foldMs();
    else {
      const oldest = this.ctx.storage.sql.exec(`SELECT MIN(made_at) AS at FROM folds WHERE ${PRUNABLE}`).one().at as number | null;
      if (oldest !== null) next = oldest + USAGE_BATCH_RETENTION_MS + 1000;
    }
    if (next !== null) await this.ctx.storage.setAlarm(next);
    this.alarmAt = next;
  }

  /** Fixes a fold's contents durably: one fold row, the batch rows it sums deleted, in one transaction. */
  private makeFold(nowMs: number): void {
    const sql = this.ctx.storage.sql;
    // Increasing even if the rows were ever lost: a session's usage_fold in D1 must stay below the next seq.
    const seq = Math.max(this.lastSeq + 1, nowMs);
    const rowsWritten = this.ctx.storage.transactionSync(() => {
      const ids = sql
        .exec<{ id: string }>("SELECT id FROM batches")
        .toArray()
        .map((r) => r.id);
      let rows = sql.exec(
        "INSERT INTO folds (seq, made_at, batch_ids, parts) VALUES (?, ?, ?, ?)",
        seq,
        nowMs,
        JSON.stringify(ids),
        JSON.stringify(partsOf(this.sinceFold)),
      ).rowsWritten;
      rows += sql.exec("DELETE FROM batches").rowsWritten;
      return rows;
    });
    this.pending = { seq, sums: this.sinceFold };
    this.sinceFold = new Map();
    this.sinceFoldBatches = 0;
    this.lastSeq = seq;
    meter(this.env, { folds: 1, intakeDoRowsWritten: rowsWritten });
  }

  /**
   * Adds the fold in flight to D1, one statement per FOLD_CHUNK sessions in one atomic batch. A session
   * whose usage_fold already reached this seq (a retry after D1 committed and this object did not hear
   * it) is skipped; a session D1 no longer has (erased) is not recreated.
   */
  private async applyPending(): Promise<boolean> {
    const { seq, sums } = this.pending!;
    const parts = partsOf(sums);
    const chunks: FoldPart[][] = [];
    for (let i = 0; i < parts.length; i += FOLD_CHUNK) chunks.push(parts.slice(i, i + FOLD_CHUNK));
    try {
      if (chunks.length > 0) {
        const results = await this.env.DB.batch(
          chunks.map((chunk) =>
            this.env.DB.prepare(
              `UPDATE tunnel_sessions
                  SET bytes_up = bytes_up + r.up, bytes_down = bytes_down + r.down,
                      last_activity_at = max(last_activity_at, r.at), usage_fold = ?1
                 FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS up,
                              json_extract(value, '$[2]') AS down, json_extract(value, '$[3]') AS at FROM json_each(?2)) AS r
                WHERE tunnel_sessions.id = r.id AND tunnel_sessions.usage_fold < ?1`,
            ).bind(seq, JSON.stringify(chunk)),
          ),
        );
        meter(this.env, {
          foldD1Queries: chunks.length,
          foldD1RowsWritten: results.reduce((n, r) => n + r.meta.rows_written, 0),
          foldSessions: parts.length,
        });
      }
    } catch (error) {
      console.error(JSON.stringify({ event: "usage_fold_failed", seq, sessions: parts.length, error: String(error) }));
      return false;
    }
    const rows = this.ctx.storage.sql.exec("UPDATE folds SET parts = NULL WHERE seq = ?", seq).rowsWritten;
    this.pending = null;
    meter(this.env, { intakeDoRowsWritten: rows });
    return true;
  }

  /** Drops applied folds past the retry window, and their batch ids with them (the newest stays: its seq is lastSeq). */
  private prune(nowMs: number): number {
    const old = this.ctx.storage.sql
      .exec<{ batch_ids: string }>(
        `DELETE FROM folds WHERE ${PRUNABLE} AND made_at < ? RETURNING batch_ids`,
        nowMs - USAGE_BATCH_RETENTION_MS,
      )
      .toArray();
    for (const row of old) for (const id of JSON.parse(row.batch_ids) as string[]) this.known.delete(id);
    return old.length;
  }

  /** Well inside the idle period: the cron judges idleness by the last_activity_at folds bring to D1. */
  private foldMs(): number {
    const { usageFoldSeconds, sessionIdleMinutes } = parseSettings(this.env);
    return Math.min(usageFoldSeconds * 1000, (sessionIdleMinutes * 60_000) / 3);
  }

  /**
   * The alarm at `at` or sooner. An alarm time already past is the alarm running now, which schedules
   * the next fold itself when it ends.
   */
  private async scheduleAt(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    } else this.alarmAt = current;
  }
}

/**
 * Fold rows that may go: applied ones, but never the newest, whose seq must survive a restart (a session's
 * usage_fold in D1 is compared with it; see UnfoldedRow).
 */
const PRUNABLE = "parts IS NULL AND seq < (SELECT MAX(seq) FROM folds)";

/** Sessions one D1 statement of a fold updates: its JSON parameter stays far below D1's limits. */
const FOLD_CHUNK = 500;

function add(sums: Map<string, Sum>, reports: IntakeReport[], at: number): void {
  for (const [id, up, down] of reports) {
    const sum = sums.get(id);
    if (sum) {
      sum.up += up;
      sum.down += down;
      sum.at = Math.max(sum.at, at);
    } else sums.set(id, { up, down, at });
  }
}

function partsOf(sums: Map<string, Sum>): FoldPart[] {
  return [...sums].map(([id, s]) => [id, s.up, s.down, s.at]);
}

function sumsOf(parts: FoldPart[]): Map<string, Sum> {
  return new Map(parts.map(([id, up, down, at]) => [id, { up, down, at }]));
}

export function usageIntake(ctx: AppContext, gatewayId: string): DurableObjectStub<UsageIntake> {
  const { env } = ctx;
  return env.USAGE_INTAKE.get(env.USAGE_INTAKE.idFromName(gatewayId));
}
