/**
 * Turns the worker's secrets into CryptoKeys once per isolate. Secrets are
 * read here and nowhere else.
 */
import { fromBase64Url } from "@cargo-vpn/shared";
import { importJWK, type JWK } from "jose";
import type { Env } from "../env";

export interface ServerKeys {
  /** AES-256-GCM key-encryption key: wraps each account's data key. */
  kek: CryptoKey;
  /** HMAC-SHA256 key for blind indexes, authKey verifiers, fake salts and client hashes. */
  index: CryptoKey;
  signing: { key: CryptoKey; kid: string; publicJwk: JWK };
  verifying: CryptoKey;
}

let cache: { source: string; keys: Promise<ServerKeys> } | undefined;

export function serverKeys(env: Env): Promise<ServerKeys> {
  const source = `${env.DATA_KEK}\n${env.INDEX_KEY}\n${env.JWT_PRIVATE_KEY}`;
  if (cache?.source !== source) cache = { source, keys: loadKeys(env) };
  return cache.keys;
}

function secretBytes(name: string, value: string | undefined): Uint8Array<ArrayBuffer> {
  const bytes = value ? fromBase64Url(value) : new Uint8Array();
  if (bytes.length !== 32) throw new Error(`secret ${name} must be 32 bytes as base64url`);
  return bytes;
}

async function loadKeys(env: Env): Promise<ServerKeys> {
  const kek = await crypto.subtle.importKey("raw", secretBytes("DATA_KEK", env.DATA_KEK), "AES-GCM", false, ["encrypt", "decrypt"]);
  const index = await crypto.subtle.importKey("raw", secretBytes("INDEX_KEY", env.INDEX_KEY), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const jwk = JSON.parse(env.JWT_PRIVATE_KEY ?? "null") as JWK | null;
  if (!jwk?.d || !jwk.kid || jwk.crv !== "P-256") throw new Error("secret JWT_PRIVATE_KEY must be an ES256 private JWK with a kid");
  const { d: _private, ...publicJwk } = jwk;
  const signing = (await importJWK({ ...jwk, alg: "ES256" }, "ES256")) as CryptoKey;
  const verifying = (await importJWK({ ...publicJwk, alg: "ES256" }, "ES256")) as CryptoKey;
  return {
    kek,
    index,
    signing: { key: signing, kid: jwk.kid, publicJwk: { ...publicJwk, alg: "ES256", use: "sig" } },
    verifying,
  };
}
