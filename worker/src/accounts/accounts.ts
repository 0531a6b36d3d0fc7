/**
 * The account records: creating one, finding one (by username or id) and
 * opening its data key. Use cases sit above (register.ts, own-account.ts,
 * auth/sign-in.ts, …); how an owner sees the account is account-view.ts.
 * The email is stored only as ciphertext under the account's data key
 * plus a keyed blind index, so the database alone does not reveal it; the
 * username as a blind index plus the client's own ciphertext
 * (username-sealed.ts), which no server key opens.
 */
import { DEFAULT_LANGUAGE, type RegisterRequest } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { encryptField, newDataKey, unwrapDataKey } from "../crypto/envelope";
import { authVerifier, blindIndex } from "../crypto/keyed-hash";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";
import { Problem } from "../problem";
import { NO_SERVER_COPY } from "./username-sealed";

export type AccountRow = typeof accounts.$inferSelect;

/** A registration as validation leaves it; the age confirmation is checked before and not stored. */
export type NewAccount = Omit<z.output<typeof RegisterRequest>, "ageConfirmed">;

export async function createAccount(db: Db, keys: ServerKeys, input: NewAccount, nowMs = Date.now()): Promise<AccountRow> {
  const id = crypto.randomUUID();
  const [usernameIndex, emailIndex, dataKey, verifier] = await Promise.all([
    blindIndex(keys.index, "username", input.username),
    blindIndex(keys.index, "email", input.email),
    newDataKey(keys.kek, id),
    authVerifier(keys.index, input.kdf.salt, input.authKey),
  ]);
  const row: AccountRow = {
    id,
    usernameIndex,
    emailIndex,
    // A client that sealed the name itself (issue 18 item 5) leaves the server no copy it can read.
    usernameCiphertext: input.usernameSealed ? NO_SERVER_COPY : await encryptField(dataKey.key, id, "username", input.username),
    usernameSealed: input.usernameSealed ?? null,
    emailCiphertext: await encryptField(dataKey.key, id, "email", input.email),
    wrappedKey: dataKey.wrapped,
    kekVersion: dataKey.kekVersion,
    kdfSalt: input.kdf.salt,
    kdfIterations: input.kdf.iterations,
    authVerifier: verifier,
    planId: "free",
    emailVerified: false,
    notifyNewDevice: true,
    telemetryOptIn: false,
    language: input.language ?? DEFAULT_LANGUAGE,
    createdAt: nowMs,
    downgradeGraceUntil: null,
  };
  // The unique indexes decide races between two registrations of the same name.
  try {
    await db.insert(accounts).values(row);
  } catch (error) {
    const text = errorText(error);
    if (text.includes("username_index")) throw new Problem("username_taken", "That username is already in use. Choose another one.");
    if (text.includes("email_index")) throw new Problem("email_taken", "An account with that email already exists. Sign in instead.");
    throw error;
  }
  return row;
}

function errorText(error: unknown): string {
  let text = "";
  for (let e: unknown = error; e instanceof Error; e = e.cause) text += ` ${e.message}`;
  return text;
}

/** Checks that neither the username nor the email is taken, so registration can answer which one is. */
export async function assertAvailable(db: Db, keys: ServerKeys, username: string, email: string): Promise<void> {
  const [usernameIndex, emailIndex] = await Promise.all([
    blindIndex(keys.index, "username", username),
    blindIndex(keys.index, "email", email),
  ]);
  const [byName, byEmail] = await Promise.all([
    db.select({ id: accounts.id }).from(accounts).where(eq(accounts.usernameIndex, usernameIndex)).get(),
    db.select({ id: accounts.id }).from(accounts).where(eq(accounts.emailIndex, emailIndex)).get(),
  ]);
  if (byName) throw new Problem("username_taken", "That username is already in use. Choose another one.");
  if (byEmail) throw new Problem("email_taken", "An account with that email already exists. Sign in instead.");
}

export async function findByUsername(db: Db, keys: ServerKeys, username: string): Promise<AccountRow | undefined> {
  return findByUsernameIndex(db, await blindIndex(keys.index, "username", username));
}

async function findByUsernameIndex(db: Db, usernameIndex: string): Promise<AccountRow | undefined> {
  return db.select().from(accounts).where(eq(accounts.usernameIndex, usernameIndex)).get();
}

export async function findById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.select().from(accounts).where(eq(accounts.id, id)).get();
}

export async function dataKeyOf(keys: ServerKeys, row: AccountRow): Promise<CryptoKey> {
  return unwrapDataKey(keys.kek, row.wrappedKey, row.id, row.kekVersion);
}
