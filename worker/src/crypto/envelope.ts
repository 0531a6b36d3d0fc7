/**
 * AES-256-GCM envelope encryption of personal data. Each account has its own
 * random data key, stored only wrapped by the server's key-encryption key;
 * destroying the wrapped key makes every copy of the account's ciphertexts
 * unreadable. Additional data binds each ciphertext to its account and field,
 * so a ciphertext moved to another row or field fails to decrypt.
 *
 * The key-encryption key rotates (keys.ts): data keys are wrapped by the
 * current version, unwrapped by whichever version holds them, and re-wrapped
 * without ever touching the fields they protect (`rewrapDataKey`).
 */
import { fromBase64Url, toBase64Url } from "@cargo-vpn/shared";
import type { KeyEncryptionKeys, VersionedKek } from "./kek";

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

const dataKeyContext = (accountId: string) => `cargo-vpn/data-key/v1|${accountId}`;

/** A fresh data key for a new account, and its wrapped form (and the KEK version that wrapped it) to store. */
export async function newDataKey(
  kek: KeyEncryptionKeys,
  accountId: string,
): Promise<{ key: CryptoKey; wrapped: string; kekVersion: number }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const wrapped = await seal(kek.current.key, raw, dataKeyContext(accountId));
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  raw.fill(0);
  return { key, wrapped, kekVersion: kek.current.version };
}

/**
 * The raw data key. The version the row names is tried first; the other key
 * too, because a reader may hold a row read just before a re-wrap changed it
 * (GCM authentication makes a wrong key fail, never mis-decrypt).
 */
async function openDataKey(kek: KeyEncryptionKeys, wrapped: string, accountId: string, version?: number): Promise<Uint8Array<ArrayBuffer>> {
  const candidates: VersionedKek[] = [kek.current, ...(kek.previous ? [kek.previous] : [])];
  if (version !== undefined) candidates.sort((a, b) => Number(b.version === version) - Number(a.version === version));
  let failure: unknown;
  for (const candidate of candidates) {
    try {
      return await open(candidate.key, wrapped, dataKeyContext(accountId));
    } catch (error) {
      failure = error;
    }
  }
  throw new Error(`the data key of account ${accountId} opens with no configured DATA_KEK`, { cause: failure });
}

/**
 * Data keys already opened, so a hot route does not decrypt and import the
 * same key on every request. Kept per KEK ring object: keys.ts builds a new
 * ring whenever a DATA_KEK* secret changes, so adding, promoting or retiring a
 * KEK starts from nothing and a key opened by a retired KEK is never served
 * again. Keyed by the wrapped key itself, so a re-wrap or an erased and
 * re-made account never meets a stale entry. An entry lives at most
 * OPENED_KEY_TTL_MS and erasure forgets it in the isolate that erases
 * (`forgetDataKey`); the keys are not extractable.
 */
const OPENED_KEY_TTL_MS = 5 * 60 * 1000;
const OPENED_KEYS_MAX = 1000;
const openedKeys = new WeakMap<KeyEncryptionKeys, Map<string, { key: Promise<CryptoKey>; until: number }>>();

const openedKeyName = (wrapped: string, accountId: string) => `${accountId}|${wrapped}`;

export function unwrapDataKey(
  kek: KeyEncryptionKeys,
  wrapped: string,
  accountId: string,
  version?: number,
  nowMs = Date.now(),
): Promise<CryptoKey> {
  let ring = openedKeys.get(kek);
  if (!ring) {
    ring = new Map();
    openedKeys.set(kek, ring);
  }
  const name = openedKeyName(wrapped, accountId);
  const hit = ring.get(name);
  if (hit && hit.until > nowMs) return hit.key;
  if (hit) ring.delete(name);
  const key = importDataKey(kek, wrapped, accountId, version);
  const entry = { key, until: nowMs + OPENED_KEY_TTL_MS };
  ring.set(name, entry);
  // Oldest first out (a Map keeps insertion order).
  if (ring.size > OPENED_KEYS_MAX) ring.delete(ring.keys().next().value!);
  // A key that did not open is never cached: the next call tries (and fails) again.
  key.catch(() => {
    if (ring.get(name) === entry) ring.delete(name);
  });
  return key;
}

/** Drops an opened data key from this isolate's cache (the account is being erased). */
export function forgetDataKey(kek: KeyEncryptionKeys, wrapped: string, accountId: string): void {
  openedKeys.get(kek)?.delete(openedKeyName(wrapped, accountId));
}

async function importDataKey(kek: KeyEncryptionKeys, wrapped: string, accountId: string, version?: number): Promise<CryptoKey> {
  const raw = await openDataKey(kek, wrapped, accountId, version);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  raw.fill(0);
  return key;
}

/** The same data key wrapped by the current KEK. Only the key is opened: no personal field is decrypted. */
export async function rewrapDataKey(
  kek: KeyEncryptionKeys,
  wrapped: string,
  accountId: string,
  version?: number,
): Promise<{ wrapped: string; kekVersion: number }> {
  const raw = await openDataKey(kek, wrapped, accountId, version);
  try {
    return { wrapped: await seal(kek.current.key, raw, dataKeyContext(accountId)), kekVersion: kek.current.version };
  } finally {
    raw.fill(0);
  }
}

/** `field` names what is sealed ("username", "email", "devices"), so ciphertexts cannot be swapped. */
export function encryptField(key: CryptoKey, accountId: string, field: string, value: string): Promise<string> {
  return seal(key, encoder.encode(value), `cargo-vpn/field/v1|${accountId}|${field}`);
}

export async function decryptField(key: CryptoKey, accountId: string, field: string, sealed: string): Promise<string> {
  return decoder.decode(await open(key, sealed, `cargo-vpn/field/v1|${accountId}|${field}`));
}
