/**
 * Keyed one-way values computed with the server's INDEX_KEY: blind indexes for
 * looking up usernames and emails without storing them, authKey verifiers,
 * stable fake salts for unknown usernames, and client-address hashes for the
 * sign-in limiter. Each purpose is a separate label, so values never collide
 * across purposes.
 */
import { fromBase64Url, toBase64Url } from "@cargo-vpn/shared";

const encoder = new TextEncoder();

async function mac(key: CryptoKey, label: string, ...parts: (string | Uint8Array<ArrayBuffer>)[]): Promise<Uint8Array<ArrayBuffer>> {
  const chunks = [encoder.encode(`cargo-vpn/${label}/v1`), ...parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p))];
  // Length-prefix every part so ("ab","c") and ("a","bc") differ.
  const total = chunks.reduce((n, c) => n + 4 + c.length, 0);
  const message = new Uint8Array(total);
  const view = new DataView(message.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    view.setUint32(offset, chunk.length);
    message.set(chunk, offset + 4);
    offset += 4 + chunk.length;
  }
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}

export async function blindIndex(key: CryptoKey, field: "username" | "email", canonical: string): Promise<string> {
  return toBase64Url(await mac(key, `index/${field}`, canonical));
}

/** What is stored instead of the authKey: a keyed hash salted per account. */
export async function authVerifier(key: CryptoKey, salt: string, authKey: string): Promise<string> {
  return toBase64Url(await mac(key, "verifier", fromBase64Url(salt), fromBase64Url(authKey)));
}

export async function fakeSalt(key: CryptoKey, username: string): Promise<string> {
  return toBase64Url((await mac(key, "prelogin-salt", username)).subarray(0, 16));
}

export async function clientHash(key: CryptoKey, address: string): Promise<string> {
  return toBase64Url((await mac(key, "client", address)).subarray(0, 18));
}

/** Refresh tokens are 256-bit random, so a plain SHA-256 is enough to store them unusable. */
export async function tokenHash(token: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token))));
}

export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A recovery code (normalised) as stored: keyed and bound to its account, since 50 bits alone could be searched offline. */
export async function recoveryCodeHash(key: CryptoKey, accountId: string, code: string): Promise<string> {
  return toBase64Url(await mac(key, "recovery-code", accountId, code));
}

/**
 * How a refused sign-in (device_limit) names a slot it may free: keyed and bound to the account, so it
 * says nothing of the device id and cannot be turned back into one (issue 20 item 4).
 */
export async function slotHandle(key: CryptoKey, accountId: string, deviceId: string): Promise<string> {
  return toBase64Url((await mac(key, "slot-handle", accountId, deviceId)).subarray(0, 18));
}
