/**
 * Turns the worker's secrets into CryptoKeys once per isolate. Secrets are
 * read here and nowhere else.
 *
 * Every key rotates with an overlap, so nothing in flight breaks:
 * - JWT signing: `JWT_PRIVATE_KEY` signs; `JWT_NEXT_PRIVATE_KEY` (optional) is
 *   published in the JWKS before it ever signs, so gateways have it cached
 *   when it is promoted; `JWT_PREVIOUS_PUBLIC_KEY` (optional) stays published
 *   and verifying until the last token it signed has expired. Every published
 *   key verifies, so during a deploy an old and a new worker version accept
 *   each other's tokens.
 * - `DATA_KEK` (version `DATA_KEK_VERSION`, default 1) wraps new data keys;
 *   `DATA_KEK_PREVIOUS` (optional, version one lower) still unwraps the
 *   accounts not re-wrapped yet (`npm run ops -- keys kek rewrap`).
 * Empty values count as absent, so a local run can switch one off with `--var NAME:`.
 */
import { fromBase64Url } from "@cargo-vpn/shared";
import { importJWK, type JWK } from "jose";
import type { Env } from "../env";
import { type KeyEncryptionKeys, loadKek } from "./kek";

export type { KeyEncryptionKeys, VersionedKek } from "./kek";

export interface SigningKey {
  key: CryptoKey;
  kid: string;
  publicJwk: JWK;
}

export interface ServerKeys {
  kek: KeyEncryptionKeys;
  /** HMAC-SHA256 key for blind indexes, authKey verifiers, fake salts and client hashes. */
  index: CryptoKey;
  signing: SigningKey;
  /** Every published public key by kid: current, next and previous. */
  verifying: Map<string, CryptoKey>;
  /** What /.well-known/jwks.json serves, current key first. */
  published: JWK[];
}

let cache: { source: string; keys: Promise<ServerKeys> } | undefined;

export function serverKeys(env: Env): Promise<ServerKeys> {
  const source = [
    env.DATA_KEK,
    env.DATA_KEK_VERSION,
    env.DATA_KEK_PREVIOUS,
    env.INDEX_KEY,
    env.JWT_PRIVATE_KEY,
    env.JWT_NEXT_PRIVATE_KEY,
    env.JWT_PREVIOUS_PUBLIC_KEY,
  ].join("\n");
  if (cache?.source !== source) {
    const keys = loadKeys(env);
    cache = { source, keys };
    // A bad secret must not stick: the next request tries again (and fails loudly again).
    keys.catch(() => {
      if (cache?.keys === keys) cache = undefined;
    });
  }
  return cache.keys;
}

function present(value: string | undefined): string | undefined {
  return value?.trim() ? value : undefined;
}

function secretBytes(name: string, value: string | undefined): Uint8Array<ArrayBuffer> {
  const bytes = value ? fromBase64Url(value) : new Uint8Array();
  if (bytes.length !== 32) throw new Error(`secret ${name} must be 32 bytes as base64url`);
  return bytes;
}

function parseJwk(name: string, value: string, needPrivate: boolean): JWK & { kid: string } {
  let jwk: JWK | null = null;
  try {
    jwk = JSON.parse(value) as JWK;
  } catch {}
  if (!jwk || typeof jwk.kid !== "string" || !jwk.kid || jwk.kty !== "EC" || jwk.crv !== "P-256" || (needPrivate && !jwk.d)) {
    throw new Error(`secret ${name} must be an ES256 ${needPrivate ? "private" : "public"} JWK with a kid`);
  }
  return jwk as JWK & { kid: string };
}

/** The public half, in the shape the JWKS publishes. */
function publicHalf(jwk: JWK & { kid: string }): JWK & { kid: string } {
  const { d: _private, key_ops: _ops, ext: _ext, ...rest } = jwk;
  return { ...rest, alg: "ES256", use: "sig" };
}

async function loadJwtKeys(env: Env): Promise<Pick<ServerKeys, "signing" | "verifying" | "published">> {
  const current = parseJwk("JWT_PRIVATE_KEY", env.JWT_PRIVATE_KEY ?? "null", true);
  const nextValue = present(env.JWT_NEXT_PRIVATE_KEY);
  const previousValue = present(env.JWT_PREVIOUS_PUBLIC_KEY);
  const published = [
    publicHalf(current),
    ...(nextValue ? [publicHalf(parseJwk("JWT_NEXT_PRIVATE_KEY", nextValue, true))] : []),
    ...(previousValue ? [publicHalf(parseJwk("JWT_PREVIOUS_PUBLIC_KEY", previousValue, false))] : []),
  ];
  const kids = new Set(published.map((k) => k.kid));
  if (kids.size !== published.length) throw new Error("the JWT keys (current, next, previous) must have different kids");
  const verifying = new Map<string, CryptoKey>();
  for (const jwk of published) verifying.set(jwk.kid, (await importJWK(jwk, "ES256")) as CryptoKey);
  const signing = (await importJWK({ ...current, alg: "ES256" }, "ES256")) as CryptoKey;
  return { signing: { key: signing, kid: current.kid, publicJwk: published[0]! }, verifying, published };
}

async function loadKeys(env: Env): Promise<ServerKeys> {
  const index = await crypto.subtle.importKey("raw", secretBytes("INDEX_KEY", env.INDEX_KEY), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return { kek: await loadKek(env), index, ...(await loadJwtKeys(env)) };
}
