/**
 * Re-wrapping every account's data key under the current DATA_KEK, in bounded
 * batches, while the previous key still unwraps (`npm run ops -- keys kek
 * rewrap`), and counting what is left (`keys kek status`). Only the wrapped
 * data key is read and rewritten: username, email and every other sealed
 * field stay byte for byte as they are, since the data key itself does not
 * change.
 *
 * SQL goes through a runner, so the operator command drives the deployed
 * database with `wrangler d1 execute` and the tests drive D1 in workerd with
 * the very same statements:
 *
 *   const run: SqlRunner = async (sql) => executeSql(sql, target);
 *   for (let cursor = ""; ; ) { const b = await rewrapBatch(run, kek, cursor); if (b.done) break; cursor = b.cursor; }
 */
import { rewrapDataKey } from "./envelope";
import type { KeyEncryptionKeys } from "./kek";

export type SqlRunner = <T = Record<string, unknown>>(sql: string) => Promise<T[]>;

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

export interface RewrapBatch {
  /** Rows this batch looked at (all on an old version). */
  seen: number;
  /** Rows it rewrote; fewer than `seen` when an account changed or was erased meanwhile (it is left to the next pass). */
  rewrapped: number;
  /** Resume after this id. */
  cursor: string;
  done: boolean;
}

/**
 * Re-wraps up to `limit` accounts after `cursor` (in id order) that are not on
 * the current version. Each row is written only if its wrapped key is still
 * the one that was read, so a concurrent erasure or re-wrap is never undone.
 */
export async function rewrapBatch(run: SqlRunner, kek: KeyEncryptionKeys, cursor: string, limit: number): Promise<RewrapBatch> {
  const rows = await run<{ id: string; wrapped_key: string; kek_version: number }>(
    `SELECT id, wrapped_key, kek_version FROM accounts WHERE id > ${literal(cursor)} AND kek_version <> ${kek.current.version} ORDER BY id LIMIT ${Math.floor(limit)}`,
  );
  if (rows.length === 0) return { seen: 0, rewrapped: 0, cursor, done: true };
  const values: string[] = [];
  for (const row of rows) {
    const next = await rewrapDataKey(kek, row.wrapped_key, row.id, row.kek_version);
    values.push(`(${literal(row.id)}, ${literal(row.wrapped_key)}, ${literal(next.wrapped)})`);
  }
  const updated = await run<{ id: string }>(
    `WITH rewrapped(id, old_key, new_key) AS (VALUES ${values.join(", ")})
     UPDATE accounts
        SET wrapped_key = (SELECT new_key FROM rewrapped WHERE rewrapped.id = accounts.id), kek_version = ${kek.current.version}
      WHERE EXISTS (SELECT 1 FROM rewrapped WHERE rewrapped.id = accounts.id AND rewrapped.old_key = accounts.wrapped_key)
     RETURNING id`,
  );
  return { seen: rows.length, rewrapped: updated.length, cursor: rows.at(-1)!.id, done: rows.length < limit };
}

/**
 * Batch after batch until none is left on an old version, or until
 * `maxAccounts` have been looked at (to spread the work over several runs);
 * `onBatch` reports progress.
 */
export async function rewrapAll(
  run: SqlRunner,
  kek: KeyEncryptionKeys,
  limit: number,
  onBatch: (batch: RewrapBatch) => void = () => {},
  maxAccounts = Number.POSITIVE_INFINITY,
): Promise<{ rewrapped: number; skipped: number }> {
  let cursor = "";
  let rewrapped = 0;
  let skipped = 0;
  while (rewrapped + skipped < maxAccounts) {
    const size = Math.min(limit, maxAccounts - rewrapped - skipped);
    const batch = await rewrapBatch(run, kek, cursor, size);
    if (batch.seen > 0) onBatch(batch);
    rewrapped += batch.rewrapped;
    skipped += batch.seen - batch.rewrapped;
    if (batch.done) break;
    cursor = batch.cursor;
  }
  return { rewrapped, skipped };
}

/** How many accounts each DATA_KEK version wraps, lowest version first. */
export async function kekVersionCounts(run: SqlRunner): Promise<{ version: number; accounts: number }[]> {
  const rows = await run<{ version: number; accounts: number }>(
    "SELECT kek_version AS version, COUNT(*) AS accounts FROM accounts GROUP BY kek_version ORDER BY kek_version",
  );
  return rows.map((r) => ({ version: Number(r.version), accounts: Number(r.accounts) }));
}
