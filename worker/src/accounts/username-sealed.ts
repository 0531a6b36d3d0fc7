/**
 * The username only its owner reads (issue 18 item 5). The client seals the
 * name under a key derived from the master key (shared/src/username-seal.ts)
 * and the server keeps that ciphertext as it came, next to the blind index
 * sign-in uses; it never needs the plaintext. Accounts made before keep a
 * copy under the data key until a sign-in brings the sealed one: that one
 * UPDATE writes it and empties the server's copy.
 *
 *   await adoptSealedUsername(db, row, input.usernameSealed);
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";

type AccountRow = typeof accounts.$inferSelect;

/** username_ciphertext once the server's copy is gone ('' rather than NULL: see migration 0009). */
export const NO_SERVER_COPY = "";

/**
 * Stores the client's sealed name when the account has none yet (not migrated,
 * or its sealed copy was dropped by a password change that sent none) and
 * deletes the server's copy in the same statement. A sealed copy already there
 * is never replaced here: only proving the password and changing it re-seals.
 */
export async function adoptSealedUsername(db: Db, row: AccountRow, sealed: string | undefined): Promise<AccountRow> {
  // A row that already has a sealed copy would not change (the UPDATE's condition), so it costs no round trip.
  if (!sealed || row.usernameSealed !== null) return row;
  const [changed] = await db
    .update(accounts)
    .set({ usernameSealed: sealed, usernameCiphertext: NO_SERVER_COPY })
    .where(and(eq(accounts.id, row.id), isNull(accounts.usernameSealed)))
    .returning({ usernameSealed: accounts.usernameSealed, usernameCiphertext: accounts.usernameCiphertext });
  return changed ? { ...row, ...changed } : row;
}

/**
 * The columns a new password writes: the name sealed under its key, which
 * deletes any server copy; without one (an older client) the old sealed copy,
 * which the new key cannot open, is dropped and the next sign-in stores one.
 */
export function resealedUsername(sealed: string | undefined): Partial<AccountRow> {
  return sealed ? { usernameSealed: sealed, usernameCiphertext: NO_SERVER_COPY } : { usernameSealed: null };
}
