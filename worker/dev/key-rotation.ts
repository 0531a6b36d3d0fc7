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

/**
 * The wait before promote (after publish-next) and before retire (after
 * promote), as README "Rotating keys" asks: a gateway's JWKS cache (10 min)
 * plus the JWKS answer's max-age (5 min); the longest token lifetime (15 min).
 */
export const JWT_STEP_WAIT_MS = 15 * 60 * 1000;

/** When publish-next and promote ran (epoch ms), kept beside the keys so the next step can check its wait. */
export const JWT_PUBLISHED_AT = "JWT_NEXT_PUBLISHED_AT";
export const JWT_PROMOTED_AT = "JWT_PROMOTED_AT";

export interface StepOptions {
  /** The time now (epoch ms); tests pass their own. */
  now?: number;
  /** Skip the wait check: the operator knows better (e.g. no gateway runs yet). */
  force?: boolean;
}

/** Refuses a step taken before its wait is over, or when nobody recorded when the previous step ran. */
function checkWaited(secrets: Secrets, name: string, previousStep: string, options: StepOptions): void {
  if (options.force) return;
  const at = Number(secrets[name]);
  if (!has(secrets, name) || !Number.isFinite(at)) {
    throw new Error(`${name} is not set, so the time of ${previousStep} is unknown: wait 15 minutes after it, then pass --force`);
  }
  const left = at + JWT_STEP_WAIT_MS - (options.now ?? Date.now());
  if (left > 0) {
    const minutes = Math.ceil(left / 60_000);
    throw new Error(
      `${previousStep} ran less than 15 minutes ago: wait ${minutes} more minute${minutes === 1 ? "" : "s"} (README "Rotating keys"), or pass --force`,
    );
  }
}

/** Step 1: a new key, published in the JWKS but not signing yet. */
export async function jwtPublishNext(secrets: Secrets, options: StepOptions = {}): Promise<SecretChange> {
  need(secrets, "JWT_PRIVATE_KEY");
  if (has(secrets, "JWT_NEXT_PRIVATE_KEY")) throw new Error("a next key is already published: promote it first");
  return {
    set: { JWT_NEXT_PRIVATE_KEY: JSON.stringify(await newSigningJwk()), [JWT_PUBLISHED_AT]: String(options.now ?? Date.now()) },
    remove: [],
  };
}

/** Step 2: the next key signs; the old one stays published (public half only) so its tokens keep verifying. */
export function jwtPromote(secrets: Secrets, options: StepOptions = {}): SecretChange {
  const current = JSON.parse(need(secrets, "JWT_PRIVATE_KEY")) as JWK;
  const next = need(secrets, "JWT_NEXT_PRIVATE_KEY");
  if (has(secrets, "JWT_PREVIOUS_PUBLIC_KEY")) {
    throw new Error("JWT_PREVIOUS_PUBLIC_KEY is still set: retire it first (once every token it signed has expired)");
  }
  // Before every gateway's JWKS cache holds the next key, a token it signs would meet an unknown kid.
  checkWaited(secrets, JWT_PUBLISHED_AT, "publish-next", options);
  const { d: _private, ...publicJwk } = current;
  return {
    set: {
      JWT_PRIVATE_KEY: next,
      JWT_PREVIOUS_PUBLIC_KEY: JSON.stringify(publicJwk),
      [JWT_PROMOTED_AT]: String(options.now ?? Date.now()),
    },
    remove: ["JWT_NEXT_PRIVATE_KEY", JWT_PUBLISHED_AT],
  };
}

/** Step 3: the previous key is no longer published or accepted. */
export function jwtRetire(secrets: Secrets, options: StepOptions = {}): SecretChange {
  if (!has(secrets, "JWT_PREVIOUS_PUBLIC_KEY")) throw new Error("there is no previous JWT key to retire");
  // Tokens the previous key signed live up to 15 minutes after promote.
  checkWaited(secrets, JWT_PROMOTED_AT, "promote", options);
  return { set: {}, remove: ["JWT_PREVIOUS_PUBLIC_KEY", JWT_PROMOTED_AT] };
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
