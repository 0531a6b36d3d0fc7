/**
 * AES-256-GCM envelope encryption of personal data. Each account has its own
 * random data key, stored only wrapped by the server's key-encryption key;
 * destroying the wrapped key makes every copy of the account's ciphertexts
 * unreadable. Additional data binds each ciphertext to its account and field,
 * so a ciphertext moved to another row or field fails to decrypt.
 */
import { fromBase64Url, toBase64Url } from "@cargo-vpn/shared";

const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function seal(key: CryptoKey, plaintext: Uint8Array, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, plaintext);
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return toBase64Url(out);
}

async function open(key: CryptoKey, sealed: string, context: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = fromBase64Url(sealed);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: encoder.encode(context) },
    key,
    bytes.subarray(IV_BYTES),
  );
  return new Uint8Array(plain);
}

/** A fresh data key for a new account, and its wrapped form to store. */
export async function newDataKey(kek: CryptoKey, accountId: string): Promise<{ key: CryptoKey; wrapped: string }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const wrapped = await seal(kek, raw, `cargo-vpn/data-key/v1|${accountId}`);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  raw.fill(0);
  return { key, wrapped };
}

export async function unwrapDataKey(kek: CryptoKey, wrapped: string, accountId: string): Promise<CryptoKey> {
  const raw = await open(kek, wrapped, `cargo-vpn/data-key/v1|${accountId}`);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  raw.fill(0);
  return key;
}

/** `field` names what is sealed ("username", "email", "devices"), so ciphertexts cannot be swapped. */
export function encryptField(key: CryptoKey, accountId: string, field: string, value: string): Promise<string> {
  return seal(key, encoder.encode(value), `cargo-vpn/field/v1|${accountId}|${field}`);
}

export async function decryptField(key: CryptoKey, accountId: string, field: string, sealed: string): Promise<string> {
  return decoder.decode(await open(key, sealed, `cargo-vpn/field/v1|${accountId}|${field}`));
}
