/**
 * The account's TOTP secret in D1 (table two_factor): sealed with the
 * account's data key, pending until a first code confirms it. Accepting a
 * code moves `last_step` forward in one conditional UPDATE, so a code (and
 * any code of an earlier step) is accepted once even when two requests race.
 */
import { and, eq, gt, isNotNull, isNull, lt, or, type SQLWrapper, sql } from "drizzle-orm";
import { type AccountRow, dataKeyOf } from "../accounts/accounts";
import { TOTP_ENROLMENT_TTL_MS } from "../constants";
import { decryptField, encryptField } from "../crypto/envelope";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { twoFactor } from "../db/schema";
import { stepOfCode } from "./totp";

export type TwoFactorRow = typeof twoFactor.$inferSelect;

const SECRET_FIELD = "totp-secret";

export async function twoFactorRow(db: Db, accountId: string): Promise<TwoFactorRow | undefined> {
  return db.select().from(twoFactor).where(eq(twoFactor.accountId, accountId)).get();
}

/** 1 when the account behind `accountId` has two-factor sign-in on, else 0: for a query that reads the account anyway (sign-in). */
export function twoFactorEnabledSql(accountId: SQLWrapper) {
  return sql<number>`EXISTS (SELECT 1 FROM ${twoFactor} WHERE ${twoFactor.accountId} = ${accountId} AND ${twoFactor.enabledAt} IS NOT NULL)`;
}

/** Stores a new pending secret, replacing an older pending one; false (nothing written) when two-factor is already on. */
export async function storePendingSecret(db: Db, keys: ServerKeys, row: AccountRow, secret: string, nowMs = Date.now()): Promise<boolean> {
  const sealed = await encryptField(await dataKeyOf(keys, row), row.id, SECRET_FIELD, secret);
  const written = await db
    .insert(twoFactor)
    .values({ accountId: row.id, secretCiphertext: sealed, startedAt: nowMs, enabledAt: null, lastStep: null })
    .onConflictDoUpdate({
      target: twoFactor.accountId,
      set: { secretCiphertext: sealed, startedAt: nowMs, lastStep: null },
      setWhere: isNull(twoFactor.enabledAt),
    })
    .returning({ accountId: twoFactor.accountId });
  return written.length === 1;
}

async function openSecret(keys: ServerKeys, row: AccountRow, stored: TwoFactorRow): Promise<string> {
  return decryptField(await dataKeyOf(keys, row), row.id, SECRET_FIELD, stored.secretCiphertext);
}

export type CodeCheck = "ok" | "wrong" | "reused";

/**
 * Checks `code` against the stored secret and, when it is right, spends its
 * step. `enable` also turns a pending enrolment on (only while it is still
 * pending and not expired); otherwise the row must be enabled already.
 */
export async function acceptTotpCode(
  db: Db,
  keys: ServerKeys,
  row: AccountRow,
  stored: TwoFactorRow,
  code: string,
  options: { enable?: boolean; nowMs?: number } = {},
): Promise<CodeCheck> {
  const nowMs = options.nowMs ?? Date.now();
  const step = stepOfCode(await openSecret(keys, row, stored), code, nowMs);
  if (step === null) return "wrong";
  const fresh = or(isNull(twoFactor.lastStep), lt(twoFactor.lastStep, step));
  const state = options.enable
    ? and(isNull(twoFactor.enabledAt), gt(twoFactor.startedAt, nowMs - TOTP_ENROLMENT_TTL_MS))
    : isNotNull(twoFactor.enabledAt);
  const spent = await db
    .update(twoFactor)
    .set({ lastStep: step, ...(options.enable ? { enabledAt: nowMs } : {}) })
    // The same secret: a concurrent re-enrolment must not be enabled by a code for the old one.
    .where(and(eq(twoFactor.accountId, row.id), eq(twoFactor.secretCiphertext, stored.secretCiphertext), fresh, state))
    .returning({ accountId: twoFactor.accountId });
  return spent.length === 1 ? "ok" : "reused";
}
