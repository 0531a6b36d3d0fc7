/**
 * The steps of rotating the worker's keys, as changes to its secrets (Node
 * side, for `npm run ops -- keys …`). Each step checks it is safe to take now
 * and answers which secrets to set and which to delete; the operator command
 * applies them to `.dev.vars` locally or prints them for `wrangler secret put`.
 *
 * JWT: publish-next → wait (gateways' JWKS cache) → promote → wait (longest
 * token lifetime) → retire. DATA_KEK: rotate → rewrap → retire.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import type { JWK } from "jose";
import { devVarsText, newSigningJwk } from "./secrets.ts";

export type Secrets = Record<string, string>;

export interface SecretChange {
  set: Secrets;
  remove: string[];
}

const has = (secrets: Secrets, name: string) => Boolean(secrets[name]?.trim());

function need(secrets: Secrets, name: string): string {
  const value = secrets[name];
  if (!value?.trim()) throw new Error(`${name} is not set`);
  return value;
}

/** Step 1: a new key, published in the JWKS but not signing yet. */
export async function jwtPublishNext(secrets: Secrets): Promise<SecretChange> {
  need(secrets, "JWT_PRIVATE_KEY");
  if (has(secrets, "JWT_NEXT_PRIVATE_KEY")) throw new Error("a next key is already published: promote it first");
  return { set: { JWT_NEXT_PRIVATE_KEY: JSON.stringify(await newSigningJwk()) }, remove: [] };
}

/** Step 2: the next key signs; the old one stays published (public half only) so its tokens keep verifying. */
export function jwtPromote(secrets: Secrets): SecretChange {
  const current = JSON.parse(need(secrets, "JWT_PRIVATE_KEY")) as JWK;
  const next = need(secrets, "JWT_NEXT_PRIVATE_KEY");
  if (has(secrets, "JWT_PREVIOUS_PUBLIC_KEY")) {
    throw new Error("JWT_PREVIOUS_PUBLIC_KEY is still set: retire it first (once every token it signed has expired)");
  }
  const { d: _private, ...publicJwk } = current;
  return { set: { JWT_PRIVATE_KEY: next, JWT_PREVIOUS_PUBLIC_KEY: JSON.stringify(publicJwk) }, remove: ["JWT_NEXT_PRIVATE_KEY"] };
}

/** Step 3: the previous key is no longer published or accepted. */
export function jwtRetire(secrets: Secrets): SecretChange {
  if (!has(secrets, "JWT_PREVIOUS_PUBLIC_KEY")) throw new Error("there is no previous JWT key to retire");
  return { set: {}, remove: ["JWT_PREVIOUS_PUBLIC_KEY"] };
}

export function kekVersionOf(secrets: Secrets): number {
  return Number(secrets.DATA_KEK_VERSION?.trim() || "1");
}

/** Step 1: a new DATA_KEK one version up; the old one becomes DATA_KEK_PREVIOUS and still unwraps. */
export function kekRotate(secrets: Secrets, accountsOffCurrent: number): SecretChange {
  const current = need(secrets, "DATA_KEK");
  if (has(secrets, "DATA_KEK_PREVIOUS")) throw new Error("DATA_KEK_PREVIOUS is still set: finish the re-wrap and retire it first");
  // Rows on an older version than the current one would lose their only key.
  if (accountsOffCurrent > 0) throw new Error(`${accountsOffCurrent} accounts are not on DATA_KEK version ${kekVersionOf(secrets)}`);
  return {
    set: {
      DATA_KEK: randomBytes(32).toString("base64url"),
      DATA_KEK_VERSION: String(kekVersionOf(secrets) + 1),
      DATA_KEK_PREVIOUS: current,
    },
    remove: [],
  };
}

/** Step 3: once no account is left on the previous version, the previous key goes. */
export function kekRetire(secrets: Secrets, accountsOffCurrent: number): SecretChange {
  if (!has(secrets, "DATA_KEK_PREVIOUS")) throw new Error("there is no previous DATA_KEK to retire");
  if (accountsOffCurrent > 0)
    throw new Error(`${accountsOffCurrent} accounts are still wrapped by the previous DATA_KEK: run keys kek rewrap`);
  return { set: {}, remove: ["DATA_KEK_PREVIOUS"] };
}

export function applyChange(secrets: Secrets, change: SecretChange): Secrets {
  const out = { ...secrets, ...change.set };
  for (const name of change.remove) delete out[name];
  return out;
}

/** `NAME='value'` lines as `devVarsText` writes them. */
export function parseDevVars(text: string): Secrets {
  const out: Secrets = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)='(.*)'$/.exec(line.trim());
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

export async function readDevVars(path: string): Promise<Secrets> {
  return parseDevVars(await readFile(path, "utf8"));
}

export async function writeDevVars(path: string, secrets: Secrets): Promise<void> {
  await writeFile(path, devVarsText(secrets), { mode: 0o600 });
}
