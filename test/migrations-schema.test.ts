/**
 * The D1 migrations and worker/src/db/schema.ts say the same thing. Most
 * migrations are written by hand (worker/migrations/README.md), so two
 * checks: the migrations, applied in order, build exactly the tables,
 * columns, indexes and foreign keys that drizzle-kit would build from
 * schema.ts; and `drizzle-kit generate` finds nothing pending, so the next
 * generated migration holds only what is new (its snapshot in
 * migrations/meta is current — `npm run worker -- db:snapshot` makes it so).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const WORKER = fileURLToPath(new URL("../worker/", import.meta.url));
const MIGRATIONS = join(WORKER, "migrations");
// drizzle-kit wants --out relative to where it runs.
const scratchName = `.migrations-check-${process.pid}`;
const scratch = join(WORKER, scratchName);

function drizzleGenerate(): void {
  execFileSync("npx", ["drizzle-kit", "generate", "--dialect", "sqlite", "--schema", "./src/db/schema.ts", "--out", `./${scratchName}`], {
    cwd: WORKER,
    stdio: "ignore",
  });
}

const sqlFiles = (folder: string) =>
  readdirSync(folder)
    .filter((name) => name.endsWith(".sql"))
    .sort();

/** A database built by running a folder's migrations in order. */
function build(folder: string): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  for (const file of sqlFiles(folder)) {
    for (const statement of readFileSync(join(folder, file), "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) db.exec(statement);
    }
  }
  return db;
}

/** Every table's columns, indexes (with their columns, uniqueness and partiality) and foreign keys. */
function shape(db: DatabaseSync): Record<string, unknown> {
  const rows = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
  const tables = rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      {
        columns: rows(`PRAGMA table_info(${name})`)
          .map((c) => `${c.name} ${c.type} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk}`)
          .sort(),
        indexes: rows(`PRAGMA index_list(${name})`)
          .map((i) => `${i.name} unique=${i.unique} partial=${i.partial} (${rows(`PRAGMA index_info(${i.name})`).map((c) => c.name)})`)
          .sort(),
        foreignKeys: rows(`PRAGMA foreign_key_list(${name})`)
          .map((f) => `${f.from} -> ${f.table}.${f.to} on delete ${f.on_delete}`)
          .sort(),
      },
    ]),
  );
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("D1 migrations and schema.ts", () => {
  it("the migrations, applied in order, build exactly the schema drizzle-kit builds from schema.ts", () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch);
    drizzleGenerate();
    const fromSchema = shape(build(scratch));
    expect(Object.keys(fromSchema).length).toBeGreaterThan(10);
    expect(shape(build(MIGRATIONS))).toEqual(fromSchema);
  });

  it("drizzle-kit generate finds no pending change: migrations/meta has a snapshot at the last migration", () => {
    rmSync(scratch, { recursive: true, force: true });
    cpSync(MIGRATIONS, scratch, { recursive: true });
    drizzleGenerate();
    expect(sqlFiles(scratch)).toEqual(sqlFiles(MIGRATIONS));
    // Every migration is in the journal, in order, so a generated one is numbered after the last.
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
    expect(journal.entries.map((e) => `${e.tag}.sql`)).toEqual(sqlFiles(MIGRATIONS));
  });
});
