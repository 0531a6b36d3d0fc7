/**
 * One SQLite-backed Durable Object per account: the live byte counters of its
 * tunnel sessions and the gateway batch ids it has applied. Gateways' usage
 * batches land here (one call per account per batch), not in D1; D1 receives
 * a session's totals when it ends and, while it runs, at most once per
 * `usageFoldSeconds` (an alarm), so D1 work per connected user-hour is a few
 * rows instead of two per 5-second flush.
 *
 * Exactly once: `apply` records the (gateway, batch) id and adds the bytes in
 * one synchronous transaction, so a batch is either wholly counted here or not
 * at all, and a retried batch finds its id and adds nothing. A batch that is
 * half applied across ledgers (one failed) is retried whole by the gateway;
 * the ledgers that had it answer 0, the one that failed counts it now.
 *
 * Folding to D1 writes the ledger's absolute totals with `max()`, so a fold
 * repeated after a failure, or racing a read, never counts a byte twice.
 *
 * What it stores: session ids, byte counts and times. No address, host, name.
 *
 * Reach it only through `usageLedger(ctx, accountId)`.
 */
import { DurableObject } from "cloudflare:workers";
import { REVOCATION_HORIZON_MS, USAGE_BATCH_RETENTION_MS } from "../config";
import type { AppContext } from "../context";
import type { Env } from "../env";
import { parseSettings } from "../settings";

/**
 * One session's bytes in a batch: [sessionId, bytesUp, bytesDown, d1Up, d1Down]. The last two are what D1
 * holds for the session: a session this ledger does not know yet (new, or forgotten after it ended and
 * now getting late bytes) starts from them, so a fold (which never lowers D1) loses nothing.
 */
export type LedgerReport = [string, number, number, number, number];

export interface LiveSession {
  id: string;
  bytesUp: number;
  bytesDown: number;
}

interface SessionRow extends Record<string, SqlStorageValue> {
  id: string;
  bytes_up: number;
  bytes_down: number;
  last_activity_at: number;
  synced_up: number;
  synced_down: number;
}

export class UsageLedger extends DurableObject<Env> {
  private hasTables = false;

  /**
   * The tables, made on the first batch only: reading an account that never moved a byte
   * (GET /v1/usage) must not leave a file behind.
   */
  private tables(create: boolean): boolean {
    if (this.hasTables) return true;
    const sql = this.ctx.storage.sql;
    this.hasTables = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").toArray().length > 0;
    if (this.hasTables) return true;
    if (!create) return false;
    this.hasTables = true;
    // WITHOUT ROWID: one b-tree per table, so each insert or update is one row written.
    sql.exec(`
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY, bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL, synced_up INTEGER NOT NULL DEFAULT 0, synced_down INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE batches (
        gateway_id TEXT NOT NULL, batch_id TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (gateway_id, batch_id)
      ) WITHOUT ROWID;`);
    return true;
  }

  /**
   * Adds a batch's reports for this account once; `applied` is false when this ledger had applied the batch
   * before. `rowsWritten` is this object's own SQLite rows written (the capacity bench sums it).
   */
  async apply(
    gatewayId: string,
    batchId: string,
    reports: LedgerReport[],
    nowMs: number,
  ): Promise<{ applied: boolean; rowsWritten: number }> {
    const sql = this.ctx.storage.sql;
    let rowsWritten = 0;
    const applied = this.transaction(() => {
      this.tables(true);
      const seen = sql.exec("SELECT 1 FROM batches WHERE gateway_id = ? AND batch_id = ?", gatewayId, batchId).toArray();
      if (seen.length > 0) return false;
      rowsWritten += sql.exec(
        "INSERT INTO batches (gateway_id, batch_id, applied_at) VALUES (?, ?, ?)",
        gatewayId,
        batchId,
        nowMs,
      ).rowsWritten;
      for (const [id, up, down, baseUp, baseDown] of reports) {
        rowsWritten += sql.exec(
          `INSERT INTO sessions (id, bytes_up, bytes_down, last_activity_at, synced_up, synced_down) VALUES (?1, ?5 + ?2, ?6 + ?3, CASE WHEN ?2 + ?3 > 0 THEN ?4 ELSE 0 END, ?5, ?6)
           ON CONFLICT (id) DO UPDATE SET bytes_up = bytes_up + ?2, bytes_down = bytes_down + ?3,
             last_activity_at = CASE WHEN ?2 + ?3 > 0 THEN max(last_activity_at, ?4) ELSE last_activity_at END`,
          id,
          up,
          down,
          nowMs,
          baseUp,
          baseDown,
        ).rowsWritten;
      }
      return true;
    });
    if (applied) await this.scheduleFold(nowMs);
    return { applied, rowsWritten };
  }

  /** A synchronous transaction; a rolled-back one may have rolled back the tables' creation too. */
  private transaction<T>(body: () => T): T {
    try {
      return this.ctx.storage.transactionSync(body);
    } catch (error) {
      this.hasTables = false;
      throw error;
    }
  }

  /** Every session's live totals (what D1 has plus what it has not received yet). */
  async live(): Promise<LiveSession[]> {
    if (!this.tables(false)) return [];
    return this.ctx.storage.sql
      .exec<SessionRow>("SELECT id, bytes_up, bytes_down FROM sessions")
      .toArray()
      .map((row) => ({ id: row.id, bytesUp: row.bytes_up, bytesDown: row.bytes_down }));
  }

  /** The session(s) just ended: their totals go to D1 now; returns the live totals. */
  async ended(sessionIds: string[]): Promise<LiveSession[]> {
    if (!this.tables(false)) return [];
    const wanted = new Set(sessionIds);
    await this.ctx.blockConcurrencyWhile(() => this.fold((row) => wanted.has(row.id)));
    return (await this.live()).filter((s) => wanted.has(s.id));
  }

  /**
   * Folds every session with bytes D1 has not seen, forgets sessions that are over and batch ids past
   * the retry window; comes back while sessions are left, or when the oldest batch id is due.
   */
  override async alarm(): Promise<void> {
    this.alarmSet = false;
    if (!this.tables(false)) return;
    const nowMs = Date.now();
    meter(this.env, { alarms: 1 });
    await this.ctx.blockConcurrencyWhile(async () => {
      // A session that just moved bytes is not over: only the others are looked up.
      const folded = await this.fold(() => true);
      await this.forgetFinished(nowMs, folded);
    });
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM batches WHERE applied_at < ?", nowMs - USAGE_BATCH_RETENTION_MS);
    const sessions = sql.exec("SELECT COUNT(*) AS n FROM sessions").one().n as number;
    const oldest = sql.exec("SELECT MIN(applied_at) AS at FROM batches").one().at as number | null;
    if (sessions > 0) await this.ctx.storage.setAlarm(nowMs + this.foldMs());
    else if (oldest !== null) await this.ctx.storage.setAlarm(oldest + USAGE_BATCH_RETENTION_MS + 1000);
    this.alarmSet = sessions > 0 || oldest !== null;
  }

  /** Erases everything this object stores (account deletion). */
  async erase(): Promise<void> {
    this.alarmSet = false;
    this.hasTables = false;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** Well inside the idle period too: the cron judges idleness by the last_activity_at folds bring to D1. */
  private foldMs(): number {
    const { usageFoldSeconds, sessionIdleMinutes } = parseSettings(this.env);
    return Math.min(usageFoldSeconds * 1000, (sessionIdleMinutes * 60_000) / 3);
  }

  /** Whether an alarm is known to be set; only ever trusted as true within this instance's life. */
  private alarmSet = false;

  private async scheduleFold(nowMs: number): Promise<void> {
    if (this.alarmSet) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(nowMs + this.foldMs());
    this.alarmSet = true;
  }

  /** One D1 statement: each unsynced session's totals, never lowering what D1 has. */
  private async fold(which: (row: SessionRow) => boolean): Promise<Set<string>> {
    const rows = this.ctx.storage.sql
      .exec<SessionRow>("SELECT * FROM sessions WHERE bytes_up != synced_up OR bytes_down != synced_down")
      .toArray()
      .filter(which);
    if (rows.length === 0) return new Set();
    const folded = await this.env.DB.prepare(
      `UPDATE tunnel_sessions
          SET bytes_up = max(bytes_up, r.up), bytes_down = max(bytes_down, r.down), last_activity_at = max(last_activity_at, r.at)
         FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS up,
                      json_extract(value, '$[2]') AS down, json_extract(value, '$[3]') AS at FROM json_each(?1)) AS r
        WHERE tunnel_sessions.id = r.id`,
    )
      .bind(JSON.stringify(rows.map((r) => [r.id, r.bytes_up, r.bytes_down, r.last_activity_at])))
      .run();
    let rowsWritten = 0;
    for (const r of rows) {
      rowsWritten += this.ctx.storage.sql.exec(
        "UPDATE sessions SET synced_up = ?, synced_down = ? WHERE id = ?",
        r.bytes_up,
        r.bytes_down,
        r.id,
      ).rowsWritten;
    }
    meter(this.env, { folds: 1, foldD1Queries: 1, foldD1RowsWritten: folded.meta.rows_written, foldDoRowsWritten: rowsWritten });
    return new Set(rows.map((r) => r.id));
  }

  /** Drops sessions D1 holds in full that ended long enough ago for no late bytes to come, or that D1 no longer has. */
  private async forgetFinished(nowMs: number, skip: Set<string>): Promise<void> {
    const ids = this.ctx.storage.sql
      .exec<{ id: string }>("SELECT id FROM sessions WHERE bytes_up = synced_up AND bytes_down = synced_down")
      .toArray()
      .map((r) => r.id)
      .filter((id) => !skip.has(id));
    if (ids.length === 0) return;
    meter(this.env, { forgetD1Queries: 1 });
    const known = await this.env.DB.prepare("SELECT id, ended_at FROM tunnel_sessions WHERE id IN (SELECT value FROM json_each(?1))")
      .bind(JSON.stringify(ids))
      .all<{ id: string; ended_at: number | null }>();
    const endedAt = new Map(known.results.map((r) => [r.id, r.ended_at]));
    for (const id of ids) {
      const end = endedAt.get(id);
      const gone = !endedAt.has(id);
      if (gone || (end != null && end < nowMs - REVOCATION_HORIZON_MS)) {
        this.ctx.storage.sql.exec("DELETE FROM sessions WHERE id = ?", id);
      }
    }
  }
}

/**
 * The capacity bench's counters (USAGE_METER_LOG=1 only): folds, alarms, D1 queries and rows written
 * (D1's own meta.rows_written) and this class's SQLite rows written, summed per isolate and logged as
 * one line at most every METER_LOG_MS. Counts only, nothing about any account.
 */
const METER_LOG_MS = 2000;
const tally: Record<string, number> = {};
let tallySince = Date.now();

export function meter(env: Env, counts: Record<string, number>): void {
  if (env.USAGE_METER_LOG !== "1") return;
  for (const [name, n] of Object.entries(counts)) tally[name] = (tally[name] ?? 0) + n;
  if (Date.now() - tallySince < METER_LOG_MS) return;
  console.log(JSON.stringify({ event: "usage_meter", ...tally }));
  for (const name of Object.keys(tally)) delete tally[name];
  tallySince = Date.now();
}

export function usageLedger(ctx: AppContext, accountId: string): DurableObjectStub<UsageLedger> {
  const { env } = ctx;
  return env.USAGE_LEDGER.get(env.USAGE_LEDGER.idFromName(accountId));
}
