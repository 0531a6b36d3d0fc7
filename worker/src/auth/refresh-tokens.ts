/**
 * Refresh tokens: random 256-bit, stored only as a hash, good for one use.
 * Each use returns a new token in the same sign-in; presenting a used one means
 * it was stolen or replayed, and the whole sign-in (the chain) is revoked.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { REFRESH_TOKEN_TTL_MS } from "../constants";
import { randomToken, tokenHash } from "../crypto/keyed-hash";
import type { Db } from "../db/client";
import { refreshTokens, signIns } from "../db/schema";
import { Problem } from "../problem";

export const newRefreshToken = () => randomToken();

export async function refreshTokenRow(token: string, signInId: string, accountId: string, nowMs: number) {
  return { tokenHash: await tokenHash(token), signInId, accountId, createdAt: nowMs, expiresAt: nowMs + REFRESH_TOKEN_TTL_MS };
}

/** A new token for a live sign-in; 401 if the sign-in was revoked meanwhile (its row is gone). */
export async function issueRefreshToken(db: Db, signInId: string, accountId: string, nowMs = Date.now()): Promise<string> {
  const token = newRefreshToken();
  const hash = await tokenHash(token);
  // INSERT ... SELECT inserts nothing when a concurrent reuse has already revoked the sign-in.
  const inserted = await db
    .insert(refreshTokens)
    .select(
      db
        .select({
          tokenHash: sql<string>`${hash}`.as("token_hash"),
          signInId: signIns.id,
          accountId: signIns.accountId,
          createdAt: sql<number>`${nowMs}`.as("created_at"),
          expiresAt: sql<number>`${nowMs + REFRESH_TOKEN_TTL_MS}`.as("expires_at"),
          usedAt: sql<null>`NULL`.as("used_at"),
        })
        .from(signIns)
        .where(and(eq(signIns.id, signInId), eq(signIns.accountId, accountId))),
    )
    .returning({ tokenHash: refreshTokens.tokenHash });
  if (inserted.length === 0) throw new Problem("unauthorized", "This sign-in was revoked. Sign in again.");
  return token;
}

/**
 * Marks the token used in one conditional UPDATE, so two concurrent uses cannot both win: the winner gets
 * the token's row back, anyone else nothing. A query for `db.batch`, run before reading what it unlocks.
 */
export function redeemQuery(db: Db, hash: string, nowMs: number) {
  return db
    .update(refreshTokens)
    .set({ usedAt: nowMs })
    .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt), gt(refreshTokens.expiresAt, nowMs)))
    .returning({ signInId: refreshTokens.signInId });
}
