/**
 * The iteration count prelogin answers for a username that has no account.
 * It is drawn from the iteration counts real accounts chose, in proportion to
 * how many chose each: the username's keyed hash picks a quantile of that
 * distribution, so the same unknown name gets the same answer, and an answer
 * other than the default says nothing about whether the name exists. The
 * distribution is read once per KDF_ITERATIONS_SNAPSHOT_MS per isolate (one
 * GROUP BY over accounts), not on every call.
 */
import { DEFAULT_ITERATIONS } from "@cargo-vpn/shared";
import { sql } from "drizzle-orm";
import { KDF_ITERATIONS_SNAPSHOT_MS } from "../constants";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";

interface Bucket {
  iterations: number;
  accounts: number;
}

let snapshot: { takenAt: number; buckets: Bucket[]; total: number } | undefined;

async function distribution(db: Db, nowMs: number) {
  if (snapshot && nowMs - snapshot.takenAt < KDF_ITERATIONS_SNAPSHOT_MS) return snapshot;
  const buckets = await db.all<Bucket>(
    sql`SELECT kdf_iterations AS iterations, COUNT(*) AS accounts FROM accounts GROUP BY kdf_iterations ORDER BY kdf_iterations`,
  );
  snapshot = { takenAt: nowMs, buckets, total: buckets.reduce((n, b) => n + b.accounts, 0) };
  return snapshot;
}

/** Forgets the cached distribution (tests that register accounts and then look at decoys in the same isolate). */
export function forgetIterationSnapshot(): void {
  snapshot = undefined;
}

/** A number in [0, 1) fixed by the username and INDEX_KEY, independent of the decoy salt the caller also sees. */
async function quantileOf(keys: ServerKeys, username: string): Promise<number> {
  const message = new TextEncoder().encode(`cargo-vpn/prelogin-iterations/v1\u0000${username}`);
  const mac = new DataView(await crypto.subtle.sign("HMAC", keys.index, message));
  return mac.getUint32(0) / 2 ** 32;
}

export async function decoyIterations(db: Db, keys: ServerKeys, username: string, nowMs = Date.now()): Promise<number> {
  const [{ buckets, total }, quantile] = await Promise.all([distribution(db, nowMs), quantileOf(keys, username)]);
  let below = quantile * total;
  for (const bucket of buckets) {
    below -= bucket.accounts;
    if (below < 0) return bucket.iterations;
  }
  return DEFAULT_ITERATIONS;
}
