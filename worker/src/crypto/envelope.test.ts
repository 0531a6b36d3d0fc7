import { describe, expect, it } from "vitest";
import { decryptField, encryptField, forgetDataKey, newDataKey, rewrapDataKey, unwrapDataKey } from "./envelope";
import type { KeyEncryptionKeys, VersionedKek } from "./keys";

async function versioned(version = 1): Promise<VersionedKek> {
  const key = await crypto.subtle.importKey("raw", crypto.getRandomValues(new Uint8Array(32)), "AES-GCM", false, ["encrypt", "decrypt"]);
  return { version, key };
}

async function kek(): Promise<KeyEncryptionKeys> {
  return { current: await versioned() };
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

  it("a rotated KEK unwraps both versions, re-wraps to the current one, and the old key alone then fails", async () => {
    const v1 = await versioned(1);
    const v2 = await versioned(2);
    const before: KeyEncryptionKeys = { current: v1 };
    const during: KeyEncryptionKeys = { current: v2, previous: v1 };
    const after: KeyEncryptionKeys = { current: v2 };
    const { key, wrapped, kekVersion } = await newDataKey(before, "acct-r");
    expect(kekVersion).toBe(1);
    const sealed = await encryptField(key, "acct-r", "email", "rotating@example.com");

    // Mid-rotation: old rows open (with or without the version hint), new ones are wrapped by version 2.
    expect(await decryptField(await unwrapDataKey(during, wrapped, "acct-r", 1), "acct-r", "email", sealed)).toBe("rotating@example.com");
    expect(await decryptField(await unwrapDataKey(during, wrapped, "acct-r"), "acct-r", "email", sealed)).toBe("rotating@example.com");
    expect((await newDataKey(during, "acct-n")).kekVersion).toBe(2);

    const rewrapped = await rewrapDataKey(during, wrapped, "acct-r", 1);
    expect(rewrapped.kekVersion).toBe(2);
    expect(rewrapped.wrapped).not.toBe(wrapped);
    // The same data key: the field sealed before the rotation still opens, with the new KEK alone.
    expect(await decryptField(await unwrapDataKey(after, rewrapped.wrapped, "acct-r", 2), "acct-r", "email", sealed)).toBe(
      "rotating@example.com",
    );
    // A stale version hint still finds the right key.
    expect(await decryptField(await unwrapDataKey(during, rewrapped.wrapped, "acct-r", 1), "acct-r", "email", sealed)).toBe(
      "rotating@example.com",
    );
    await expect(unwrapDataKey(before, rewrapped.wrapped, "acct-r")).rejects.toThrow(/no configured DATA_KEK/);
    await expect(unwrapDataKey(after, wrapped, "acct-r")).rejects.toThrow(/no configured DATA_KEK/);
    // Re-wrapping is bound to the account like wrapping is.
    await expect(rewrapDataKey(during, wrapped, "acct-other")).rejects.toThrow();
  });
});

describe("opened data keys (the per-isolate cache)", () => {
  it("serves a key opened once to later requests with the same ring and wrapped key", async () => {
    const k = await kek();
    const { wrapped } = await newDataKey(k, "acct-c");
    const first = await unwrapDataKey(k, wrapped, "acct-c");
    expect(await unwrapDataKey(k, wrapped, "acct-c")).toBe(first);
  });

  it("never serves a key past the retirement of the KEK that opened it", async () => {
    const v1 = await versioned(1);
    const v2 = await versioned(2);
    const { key, wrapped } = await newDataKey({ current: v1 }, "acct-t");
    const sealed = await encryptField(key, "acct-t", "email", "retire@example.com");
    // Opened (and cached) mid-rotation through the previous KEK, before this account was re-wrapped...
    const during: KeyEncryptionKeys = { current: v2, previous: v1 };
    expect(await decryptField(await unwrapDataKey(during, wrapped, "acct-t", 1), "acct-t", "email", sealed)).toBe("retire@example.com");
    expect(await unwrapDataKey(during, wrapped, "acct-t", 1)).toBe(await unwrapDataKey(during, wrapped, "acct-t"));
    // ...then v1 is retired (keys.ts builds a new ring when DATA_KEK_PREVIOUS goes): the row no longer opens.
    const retired: KeyEncryptionKeys = { current: v2 };
    await expect(unwrapDataKey(retired, wrapped, "acct-t", 1)).rejects.toThrow(/no configured DATA_KEK/);
  });

  it("keeps no failure, forgets on erasure, and opens again once an entry has aged out", async () => {
    const k = await kek();
    const { wrapped } = await newDataKey(k, "acct-f");
    await expect(unwrapDataKey(k, wrapped, "acct-other")).rejects.toThrow();
    await expect(unwrapDataKey(k, wrapped, "acct-other")).rejects.toThrow();
    const now = Date.now();
    const first = await unwrapDataKey(k, wrapped, "acct-f", undefined, now);
    expect(await unwrapDataKey(k, wrapped, "acct-f", undefined, now + 60_000)).toBe(first);
    const aged = await unwrapDataKey(k, wrapped, "acct-f", undefined, now + 6 * 60_000);
    expect(aged).not.toBe(first);
    forgetDataKey(k, wrapped, "acct-f");
    expect(await unwrapDataKey(k, wrapped, "acct-f")).not.toBe(aged);
  });
});
