import { describe, expect, it } from "vitest";
import { decryptField, encryptField, newDataKey, unwrapDataKey } from "./envelope";

async function kek() {
  return crypto.subtle.importKey("raw", crypto.getRandomValues(new Uint8Array(32)), "AES-GCM", false, ["encrypt", "decrypt"]);
}

describe("envelope encryption", () => {
  it("round-trips a field through a wrapped data key", async () => {
    const k = await kek();
    const { key, wrapped } = await newDataKey(k, "acct-1");
    const sealed = await encryptField(key, "acct-1", "email", "alice@example.com");
    expect(sealed).not.toContain("alice");
    const unwrapped = await unwrapDataKey(k, wrapped, "acct-1");
    expect(await decryptField(unwrapped, "acct-1", "email", sealed)).toBe("alice@example.com");
  });

  it("binds ciphertexts to their account and field", async () => {
    const k = await kek();
    const { key, wrapped } = await newDataKey(k, "acct-1");
    const sealed = await encryptField(key, "acct-1", "email", "alice@example.com");
    await expect(decryptField(key, "acct-1", "username", sealed)).rejects.toThrow();
    await expect(decryptField(key, "acct-2", "email", sealed)).rejects.toThrow();
    await expect(unwrapDataKey(k, wrapped, "acct-2")).rejects.toThrow();
  });

  it("uses a fresh IV every time", async () => {
    const { key } = await newDataKey(await kek(), "a");
    expect(await encryptField(key, "a", "f", "same")).not.toBe(await encryptField(key, "a", "f", "same"));
  });

  it("a different key-encryption key cannot unwrap", async () => {
    const { wrapped } = await newDataKey(await kek(), "a");
    await expect(unwrapDataKey(await kek(), wrapped, "a")).rejects.toThrow();
  });
});
