/**
 * The usage ledgers' SQLite files in a local state folder (one per account,
 * under `v3/do/<worker>-UsageLedger/`), read directly with node:sqlite, the
 * way the D1 helpers read D1: what the gateways reported that D1 has not
 * received yet lives there (worker/src/usage/usage-ledger.ts).
 *
 *   const live = ledgerSessions(state);   // Map sessionId -> { up, down }
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export function ledgerFiles(state: string): string[] {
  const root = join(state, "v3", "do");
  let folders: string[];
  try {
    folders = readdirSync(root).filter((name) => name.endsWith("-UsageLedger"));
  } catch {
    return [];
  }
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((name) => name.endsWith(".sqlite"))
      .map((name) => join(root, folder, name)),
  );
}

export function ledgerSessions(state: string): Map<string, { up: number; down: number }> {
  const sessions = new Map<string, { up: number; down: number }>();
  for (const file of ledgerFiles(state)) {
    for (const row of readSessions(file)) sessions.set(row.id, { up: row.bytes_up, down: row.bytes_down });
  }
  return sessions;
}

type Row = { id: string; bytes_up: number; bytes_down: number };

/** One ledger's sessions; a running workerd may hold the file's lock for a moment (an alarm's write): wait, then read. */
function readSessions(file: string): Row[] {
  for (let attempt = 1; ; attempt++) {
    const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
    try {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").get();
      return exists ? (db.prepare("SELECT id, bytes_up, bytes_down FROM sessions").all() as Row[]) : [];
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== 5 || attempt >= 20) throw error;
    } finally {
      db.close();
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
