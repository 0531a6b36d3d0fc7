/** The local worker's signing key (from .dev.vars), for tests that must forge credentials the gateway should refuse. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importJWK, type JWK } from "jose";
import { REPO_ROOT } from "./repo.ts";

export async function devSigningKey() {
  const text = readFileSync(join(REPO_ROOT, ".dev.vars"), "utf8");
  const match = /^JWT_PRIVATE_KEY='(.+)'$/m.exec(text);
  if (!match) throw new Error(".dev.vars has no JWT_PRIVATE_KEY");
  const jwk = JSON.parse(match[1]!) as JWK;
  return { key: await importJWK(jwk, "ES256"), kid: jwk.kid! };
}
