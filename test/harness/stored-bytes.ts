/**
 * Every byte the local worker stored (D1 and Durable Object files under a
 * stack's state folder) as one latin1 string, for the privacy scans.
 *
 *   const stored = await allStoredBytes(env.state);
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export async function allStoredBytes(dir: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const parts: string[] = [];
      for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) parts.push((await readFile(join(entry.parentPath, entry.name))).toString("latin1"));
      }
      return parts.join("\n");
    } catch (error) {
      // SQLite removed a -wal/-shm file after a checkpoint moved its pages into the main file, which this
      // scan may have read before: read everything again, so no byte is missed.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 5) throw error;
    }
  }
}
