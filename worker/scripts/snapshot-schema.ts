/**
 * Brings drizzle-kit's record of the schema (migrations/meta) up to the last
 * migration when migrations were written by hand: `drizzle-kit generate`
 * diffs schema.ts against the newest meta snapshot, so without one for the
 * hand-written migrations it would write them all again as the next one.
 *
 *   npm run worker -- db:snapshot     # after merging hand-written migrations
 *
 * It makes the journal list every migration file in order (adding, renumbering or dropping entries), lets
 * drizzle-kit generate in a scratch copy of the folder, keeps only the
 * snapshot (named after the last migration, so the next generated one gets
 * the next number) and prints the SQL it threw away: that SQL must be what
 * the hand-written migrations since the last snapshot already do, or schema.ts
 * and the migrations disagree. See migrations/README.md.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const worker = fileURLToPath(new URL("..", import.meta.url));
const migrations = join(worker, "migrations");
const scratchName = ".snapshot-scratch";
const scratch = join(worker, scratchName);

interface Journal {
  version: string;
  dialect: string;
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

const journalPath = (folder: string) => join(folder, "meta", "_journal.json");
const readJournal = (folder: string): Journal => JSON.parse(readFileSync(journalPath(folder), "utf8"));
const tags = readdirSync(migrations)
  .filter((name) => /^\d{4}_.*\.sql$/.test(name))
  .sort()
  .map((name) => name.slice(0, -".sql".length));

// Every migration file in the journal, in file order (drizzle-kit numbers the next one after the last entry):
// an entry a branch added with another idx is renumbered, a missing one is added, one without a file is dropped.
const journal = readJournal(migrations);
const byTag = new Map(journal.entries.map((entry) => [entry.tag, entry]));
let when = 0;
journal.entries = tags.map((tag, idx) => {
  const known = byTag.get(tag);
  when = Math.max(when + 1, known?.when ?? 0);
  return { idx, version: known?.version ?? "6", when, tag, breakpoints: known?.breakpoints ?? true };
});
writeFileSync(journalPath(migrations), `${JSON.stringify(journal, null, 2)}\n`);

/** Runs drizzle-kit generate on a scratch copy of the folder; returns the new migration's tag, or null when nothing changed. */
function generateInScratch(): string | null {
  rmSync(scratch, { recursive: true, force: true });
  cpSync(migrations, scratch, { recursive: true });
  // drizzle-kit resolves --out against the working directory, and wants it relative.
  execFileSync("npx", ["drizzle-kit", "generate", "--dialect", "sqlite", "--schema", "./src/db/schema.ts", "--out", `./${scratchName}`], {
    cwd: worker,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const after = readJournal(scratch).entries;
  return after.length > tags.length ? after.at(-1)!.tag : null;
}

try {
  const last = tags.at(-1)!;
  const generated = generateInScratch();
  if (generated === null) {
    console.log(`migrations/meta is up to date with schema.ts at ${last}.`);
  } else {
    const snapshot = join(migrations, "meta", `${last.slice(0, 4)}_snapshot.json`);
    if (existsSync(snapshot)) throw new Error(`${snapshot} exists but schema.ts differs from it: write a migration for the change`);
    renameSync(join(scratch, "meta", `${generated.slice(0, 4)}_snapshot.json`), snapshot);
    console.log(
      `Wrote migrations/meta/${last.slice(0, 4)}_snapshot.json. Check that the migrations since the previous snapshot do exactly this:\n`,
    );
    console.log(readFileSync(join(scratch, `${generated}.sql`), "utf8"));
    if (generateInScratch() !== null) throw new Error("drizzle-kit still finds changes after the snapshot");
    console.log(`\ndrizzle-kit generate now finds no change: the next migration will be numbered after ${last}.`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
