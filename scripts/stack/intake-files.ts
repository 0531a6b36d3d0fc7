/**
 * The usage intakes' SQLite files in a local state folder (one per gateway,
 * under `v3/do/<worker>-UsageIntake/`), read directly with node:sqlite, the
 * way the D1 helpers read D1: what the gateways reported that D1 has not
 * counted yet lives there (worker/src/usage/usage-intake.ts).
 *
 *   const usage = storedUsage(state);   // Map sessionId -> { gatewayId, up, down }: D1 plus the intakes
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { executeSql } from "./wrangler.ts";

export function intakeFiles(state: string): string[] {
  const root = join(state, "v3", "do");
  let folders: string[];
  try {
    folders = readdirSync(root).filter((name) => name.endsWith("-UsageIntake"));
  } catch {
    return [];
  }
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((name) => name.endsWith(".sqlite"))
      .map((name) => join(root, folder, name)),
  );
}

interface Held {
  pendingSeq: number;
  pendingUp: number;
  pendingDown: number;
  lastSeq: number;
  up: number;
  down: number;
}

/**
 * Every session's bytes as the API counts them: D1's totals plus what its gateway's intake holds that D1
 * has not counted (the same rule as worker/src/usage/live-usage.ts). The intakes are read first, then D1,
 * so a fold landing in between is counted once.
 */
export function storedUsage(state: string): Map<string, { gatewayId: string; up: number; down: number }> {
  const held = new Map<string, Held>();
  for (const file of intakeFiles(state)) readIntake(file, held);
  const usage = new Map<string, { gatewayId: string; up: number; down: number }>();
  for (const row of d1Sessions(state)) {
    const h = held.get(row.id);
    const pending = h !== undefined && row.fold < h.pendingSeq;
    const since = h !== undefined && row.fold <= h.lastSeq;
    usage.set(row.id, {
      gatewayId: row.gatewayId,
      up: row.up + (pending ? h.pendingUp : 0) + (since ? h.up : 0),
      down: row.down + (pending ? h.pendingDown : 0) + (since ? h.down : 0),
    });
  }
  return usage;
}

/** Every session's D1 row, a page at a time: wrangler's JSON output of 10,000 rows at once arrives garbled. */
function d1Sessions(state: string): { id: string; gatewayId: string; up: number; down: number; fold: number }[] {
  const rows: { id: string; gatewayId: string; up: number; down: number; fold: number }[] = [];
  for (let after = ""; ; ) {
    const page = executeSql<(typeof rows)[number]>(
      `SELECT id, gateway_id AS gatewayId, bytes_up AS up, bytes_down AS down, usage_fold AS fold FROM tunnel_sessions
        WHERE id > '${after.replaceAll("'", "''")}' ORDER BY id LIMIT ${D1_PAGE}`,
      { persistTo: state },
    );
    rows.push(...page);
    if (page.length < D1_PAGE) return rows;
    after = page.at(-1)!.id;
  }
}

const D1_PAGE = 2000;

/** One intake's batches and fold in flight; a running workerd may hold the file's lock for a moment: wait, then read. */
function readIntake(file: string, held: Map<string, Held>): void {
  for (let attempt = 1; ; attempt++) {
    const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
    try {
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'").get()) return;
      // One read transaction: the batches and the folds as of one moment.
      db.exec("BEGIN");
      const batches = db.prepare("SELECT reports FROM batches").all() as { reports: string }[];
      const folds = db.prepare("SELECT seq, parts FROM folds").all() as { seq: number; parts: string | null }[];
      db.exec("COMMIT");
      const lastSeq = Math.max(0, ...folds.map((f) => f.seq));
      const entry = (id: string) => {
        let h = held.get(id);
        if (!h) {
          h = { pendingSeq: 0, pendingUp: 0, pendingDown: 0, lastSeq, up: 0, down: 0 };
          held.set(id, h);
        }
        return h;
      };
      for (const fold of folds) {
        if (fold.parts === null) continue;
        for (const [id, up, down] of JSON.parse(fold.parts) as [string, number, number][]) {
          const h = entry(id);
          h.pendingSeq = fold.seq;
          h.pendingUp += up;
          h.pendingDown += down;
        }
      }
      for (const batch of batches) {
        for (const [id, up, down] of JSON.parse(batch.reports) as [string, number, number][]) {
          const h = entry(id);
          h.up += up;
          h.down += down;
        }
      }
      return;
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== 5 || attempt >= 20) throw error;
    } finally {
      db.close();
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

/** Every row of every intake as one JSON string, for the privacy scans (what is stored, not free pages). */
export function intakeRows(state: string): string {
  const out: unknown[] = [];
  for (const file of intakeFiles(state)) {
    const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('batches', 'folds')").all() as {
        name: string;
      }[];
      for (const { name } of tables) out.push([name, db.prepare(`SELECT * FROM "${name}"`).all()]);
    } finally {
      db.close();
    }
  }
  return JSON.stringify(out);
}
