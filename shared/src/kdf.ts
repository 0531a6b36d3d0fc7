/**
 * The client half of the zero-knowledge sign-in (docs/api.md, "The sign-in protocol").
 *
 *   const kdf = newKdfParams();                       // at registration
 *   const authKey = await deriveAuthKey(password, kdf); // send authKey, never the password
 *
 * Runs wherever WebCrypto does: the extension, Node and tests. workerd refuses
 * PBKDF2 above 100000 iterations, so this never runs inside the worker.
 */
import { fromBase64Url, toBase64Url } from "./base64url";

export const KDF_NAME = "PBKDF2-SHA256";
export const DEFAULT_ITERATIONS = 600_000;
export const MIN_ITERATIONS = 600_000;
export const MAX_ITERATIONS = 10_000_000;
export const SALT_BYTES = 16;
const AUTH_LABEL = "cargo-vpn/auth/v1";
const USERNAME_LABEL = "cargo-vpn/username/v1";

export interface KdfParams {
  /** base64url of 16 random bytes */
  salt: string;
  iterations: number;
}

export function newKdfParams(iterations = DEFAULT_ITERATIONS): KdfParams {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return { salt: toBase64Url(salt), iterations };
}

/** PBKDF2 → masterKey → HMAC(masterKey, label) → authKey, as base64url (43 characters). */
export async function deriveAuthKey(password: string, params: KdfParams): Promise<string> {
  return (await deriveClientKeys(password, params)).authKey;
}

/**
 * What the client derives from the password (issue 18 item 5): the authKey it
 * sends, and the raw 32-byte key that seals the username (shared/src/username-seal.ts),
 * which never leaves the client. Each is HMAC-SHA256(masterKey, its own label),
 * so neither tells anything about the other or about the master key.
 */
export async function deriveClientKeys(password: string, params: KdfParams): Promise<{ authKey: string; usernameKey: string }> {
  const encoder = new TextEncoder();
  const passwordKey = await crypto.subtle.importKey("raw", encoder.encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  const masterKey = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: fromBase64Url(params.salt), iterations: params.iterations },
    passwordKey,
    256,
  );
  const hmacKey = await crypto.subtle.importKey("raw", masterKey, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const [authKey, usernameKey] = await Promise.all([
    crypto.subtle.sign("HMAC", hmacKey, encoder.encode(AUTH_LABEL)),
    crypto.subtle.sign("HMAC", hmacKey, encoder.encode(USERNAME_LABEL)),
  ]);
  return { authKey: toBase64Url(new Uint8Array(authKey)), usernameKey: toBase64Url(new Uint8Array(usernameKey)) };
}
