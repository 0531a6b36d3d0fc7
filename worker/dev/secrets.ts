/**
 * Local secrets for development and tests (Node side). Production secrets are
 * set with `wrangler secret put`; these are generated fresh and never committed.
 *
 *   await ensureDevVars(".dev.vars")   // first `npm start`
 *   const secrets = await generateSecrets()  // a test run's own
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface WorkerSecrets {
  DATA_KEK: string;
  INDEX_KEY: string;
  JWT_PRIVATE_KEY: string;
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
  if (existsSync(path)) return false;
  await writeFile(path, devVarsText(await generateSecrets()), { mode: 0o600 });
  return true;
}
