/**
 * Recovery codes: ten random single-use codes (50 bits each) shown once,
 * stored only as keyed hashes. A code signs in in place of a TOTP code and
 * is deleted in the same statement that accepts it, so two uses of one code
 * cannot both win. Replacing them (at enrolment, or on request) deletes every
 * old one in the same batch that stores the new ones.
 */
import { normalizeRecoveryCode, RECOVERY_CODE_ALPHABET, RECOVERY_CODE_COUNT } from "@cargo-vpn/shared";
import { and, count, eq } from "drizzle-orm";
import { recoveryCodeHash } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { recoveryCodes } from "../db/schema";

function newRecoveryCode(): string {
  // 256 is a multiple of 32, so masking each byte keeps every character equally likely.
  const chars = [...crypto.getRandomValues(new Uint8Array(10))].map((b) => RECOVERY_CODE_ALPHABET[b & 31]);
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

/** The statements that replace the account's codes, and the codes to show once; run them in one batch. */
export async function replacementCodes(db: Db, keys: ServerKeys, accountId: string, nowMs = Date.now()) {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const rows = await Promise.all(
    codes.map(async (code) => ({
      codeHash: await recoveryCodeHash(keys.index, accountId, normalizeRecoveryCode(code)),
      accountId,
      createdAt: nowMs,
    })),
  );
  const statements = [
    db.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId)),
    db.insert(recoveryCodes).values(rows),
  ] as const;
  return { codes, statements };
}

/** True when `code` (already normalised by validation) was one of the account's unused codes; it is spent then. */
export async function spendRecoveryCode(db: Db, keys: ServerKeys, accountId: string, code: string): Promise<boolean> {
  const hash = await recoveryCodeHash(keys.index, accountId, code);
  const spent = await db
    .delete(recoveryCodes)
    .where(and(eq(recoveryCodes.codeHash, hash), eq(recoveryCodes.accountId, accountId)))
    .returning({ codeHash: recoveryCodes.codeHash });
  return spent.length === 1;
}

export async function recoveryCodesLeft(db: Db, accountId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
  return row?.n ?? 0;
}
