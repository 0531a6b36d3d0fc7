/**
 * Local secrets for development and tests (Node side). Production secrets are
 * set with `wrangler secret put`; these are generated fresh and never committed.
 *
 *   await ensureDevVars(".dev.vars")   // first `npm start`
 *   const secrets = await generateSecrets()  // a test run's own
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface WorkerSecrets {
  DATA_KEK: string;
  INDEX_KEY: string;
  JWT_PRIVATE_KEY: string;
  /** A local stand-in's Stripe secret key and webhook signing secret (scripts/stripe-standin). */
  STRIPE_SECRET_KEY: string;
  STRIPE_WEBHOOK_SECRET: string;
}

/** A fresh ES256 private JWK with a random kid: the shape JWT_PRIVATE_KEY and JWT_NEXT_PRIVATE_KEY take. */
export async function newSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: "ES256" };
}

export async function generateSecrets(): Promise<WorkerSecrets> {
  return {
    DATA_KEK: randomBytes(32).toString("base64url"),
    INDEX_KEY: randomBytes(32).toString("base64url"),
    JWT_PRIVATE_KEY: JSON.stringify(await newSigningJwk()),
    STRIPE_SECRET_KEY: `sk_test_${randomBytes(24).toString("hex")}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("hex")}`,
  };
}

export function devVarsText(secrets: WorkerSecrets | Record<string, string>): string {
  return [
    "# Local development secrets, generated on first start. Never commit this file.",
    ...Object.entries(secrets).map(([name, value]) => `${name}='${value}'`),
    "",
  ].join("\n");
}

/** Writes `.dev.vars` once; later starts keep the same keys so local data stays readable. */
export async function ensureDevVars(path: string): Promise<boolean> {
  if (existsSync(path)) {
    await addMissingDevVars(path);
    return false;
  }
  await writeFile(path, devVarsText(await generateSecrets()), { mode: 0o600 });
  return true;
}

/** Reads `.dev.vars` back (NAME='value' lines), for local tools that must share the worker's secrets. */
export async function readDevVars(path: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    const match = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (match) vars[match[1]!] = match[2]!;
  }
  return vars;
}

/** A `.dev.vars` from before a secret existed gets that secret appended; the ones it has stay. */
async function addMissingDevVars(path: string): Promise<void> {
  const present = await readDevVars(path);
  const fresh = await generateSecrets();
  const missing = Object.entries(fresh).filter(([name]) => !(name in present));
  if (missing.length > 0) await appendFile(path, missing.map(([name, value]) => `${name}='${value}'\n`).join(""));
}
