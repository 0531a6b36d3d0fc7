/**
 * An account's passkeys in D1. Credential ids and public keys are base64url;
 * the label is the person's words, so it is sealed with the account's data
 * key. The signature counter moves forward only by a conditional UPDATE, so
 * two concurrent sign-ins with one assertion cannot both pass.
 */
import type { Passkey } from "@cargo-vpn/shared";
import type { AuthenticatorTransport } from "@simplewebauthn/server";
import { and, asc, count, eq, type SQLWrapper, sql } from "drizzle-orm";
import { type AccountRow, dataKeyOf } from "../accounts/accounts";
import { decryptField, encryptField } from "../crypto/envelope";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { passkeys } from "../db/schema";

const FIELD = "passkey-label";

export type PasskeyRow = typeof passkeys.$inferSelect;

export const transportsOf = (row: PasskeyRow) => JSON.parse(row.transports) as AuthenticatorTransport[];

export async function passkeyRows(db: Db, accountId: string): Promise<PasskeyRow[]> {
  return db.select().from(passkeys).where(eq(passkeys.accountId, accountId)).orderBy(asc(passkeys.createdAt)).all();
}

/** How many passkeys the account behind `accountId` has: for a query that reads the account anyway (sign-in). */
export function passkeyCountSql(accountId: SQLWrapper) {
  return sql<number>`(SELECT count(*) FROM ${passkeys} WHERE ${passkeys.accountId} = ${accountId})`;
}

export async function passkeyCount(db: Db, accountId: string): Promise<number> {
  const found = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.accountId, accountId)).get();
  return found?.n ?? 0;
}

export async function findPasskey(db: Db, accountId: string, credentialId: string) {
  return db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.accountId, accountId), eq(passkeys.credentialId, credentialId)))
    .get();
}

export async function insertPasskey(
  db: Db,
  keys: ServerKeys,
  row: AccountRow,
  credential: { id: string; publicKey: string; counter: number; transports: string[] },
  label: string,
  nowMs = Date.now(),
): Promise<PasskeyRow> {
  const stored: PasskeyRow = {
    credentialId: credential.id,
    accountId: row.id,
    publicKey: credential.publicKey,
    counter: credential.counter,
    transports: JSON.stringify(credential.transports),
    labelCiphertext: await encryptField(await dataKeyOf(keys, row), row.id, FIELD, label),
    createdAt: nowMs,
    lastUsedAt: null,
  };
  await db.insert(passkeys).values(stored);
  return stored;
}

/** Moves the counter from `from` to `to`; false when another sign-in moved it first. */
export async function advanceCounter(db: Db, row: PasskeyRow, to: number, nowMs = Date.now()): Promise<boolean> {
  const moved = await db
    .update(passkeys)
    .set({ counter: to, lastUsedAt: nowMs })
    .where(and(eq(passkeys.credentialId, row.credentialId), eq(passkeys.counter, row.counter)))
    .returning({ id: passkeys.credentialId });
  return moved.length === 1;
}

export async function deletePasskey(db: Db, accountId: string, credentialId: string): Promise<boolean> {
  const gone = await db
    .delete(passkeys)
    .where(and(eq(passkeys.accountId, accountId), eq(passkeys.credentialId, credentialId)))
    .returning({ id: passkeys.credentialId });
  return gone.length === 1;
}

export async function passkeyView(keys: ServerKeys, row: AccountRow, stored: PasskeyRow): Promise<Passkey> {
  return {
    id: stored.credentialId,
    label: await decryptField(await dataKeyOf(keys, row), row.id, FIELD, stored.labelCiphertext),
    createdAt: new Date(stored.createdAt).toISOString(),
    lastUsedAt: stored.lastUsedAt === null ? null : new Date(stored.lastUsedAt).toISOString(),
  };
}
