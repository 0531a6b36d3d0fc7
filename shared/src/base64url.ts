/**
 * base64url without padding, the encoding docs/api.md uses for every binary value
 * (salts, keys). Thin wrappers so callers do not import jose just for this.
 */
import { base64url } from "jose";

export const toBase64Url = (bytes: Uint8Array): string => base64url.encode(bytes);

export const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(base64url.decode(text));

/** Bytes of a base64url string, or null when it is not exactly `length` bytes of valid base64url. */
export function decodeExact(text: string, length: number): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bytes = base64url.decode(text);
    return bytes.length === length ? bytes : null;
  } catch {
    return null;
  }
}
