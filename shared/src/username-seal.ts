/**
 * The username sealed by its owner's client (issue 18 item 5): AES-256-GCM
 * under the usernameKey that shared/src/kdf.ts derives from the master key,
 * so the server stores a name that neither it, its DATA_KEK nor an operator
 * can read. The plaintext is the normalised name padded with zero bytes to
 * the longest name allowed, so every sealed name is the same length
 * (USERNAME_SEALED_BYTES) and the ciphertext does not tell how long it is.
 *
 *   const { authKey, usernameKey } = await deriveClientKeys(password, kdf);
 *   const usernameSealed = await sealUsername(usernameKey, "alice");
 *   await openUsername(usernameKey, usernameSealed); // "alice"
 */
import { decodeExact, fromBase64Url, toBase64Url } from "./base64url";
import { normalizeUsername } from "./normalize";

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The longest username (USERNAME_PATTERN), in bytes: every allowed character is ASCII. */
const PADDED_BYTES = 32;
/** iv ‖ ciphertext ‖ tag. */
export const USERNAME_SEALED_BYTES = IV_BYTES + PADDED_BYTES + TAG_BYTES;
/** Binds the ciphertext to its purpose, so no other value sealed with the same key passes for a name. */
const AAD = new TextEncoder().encode("cargo-vpn/username-sealed/v1");

async function aesKey(usernameKey: string, usage: "encrypt" | "decrypt") {
  return crypto.subtle.importKey("raw", fromBase64Url(usernameKey), "AES-GCM", false, [usage]);
}

export async function sealUsername(usernameKey: string, username: string): Promise<string> {
  const name = new TextEncoder().encode(normalizeUsername(username));
  if (name.length > PADDED_BYTES) throw new Error("a username is at most 32 characters");
  const padded = new Uint8Array(PADDED_BYTES);
  padded.set(name);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: AAD }, await aesKey(usernameKey, "encrypt"), padded);
  const out = new Uint8Array(USERNAME_SEALED_BYTES);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return toBase64Url(out);
}

/** The name, or null when `sealed` was not sealed with this key (another password's, or damaged). */
export async function openUsername(usernameKey: string, sealed: string): Promise<string | null> {
  const bytes = decodeExact(sealed, USERNAME_SEALED_BYTES);
  if (!bytes) return null;
  try {
    const padded = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: AAD },
      await aesKey(usernameKey, "decrypt"),
      bytes.slice(IV_BYTES),
    );
    return new TextDecoder().decode(padded).replace(/\0+$/, "");
  } catch {
    return null;
  }
}
