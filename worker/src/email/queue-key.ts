/**
 * The AES-256-GCM key that seals queued email. Derived from INDEX_KEY with a
 * label of its own (HMAC-SHA256 as the key-derivation function), so no new
 * secret is needed and the key changes only when INDEX_KEY does.
 */
import type { ServerKeys } from "../crypto/keys";

const LABEL = new TextEncoder().encode("cargo-vpn/email-queue-key/v1");
const derived = new WeakMap<CryptoKey, Promise<CryptoKey>>();

export function queueKey(keys: ServerKeys): Promise<CryptoKey> {
  let key = derived.get(keys.index);
  if (!key) {
    key = crypto.subtle
      .sign("HMAC", keys.index, LABEL)
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    derived.set(keys.index, key);
  }
  return key;
}
