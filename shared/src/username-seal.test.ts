import { describe, expect, it } from "vitest";
import { decodeExact } from "./base64url";
import { deriveAuthKey, deriveClientKeys, newKdfParams } from "./kdf";
import { openUsername, sealUsername, USERNAME_SEALED_BYTES } from "./username-seal";

describe("the sealed username", () => {
  it("opens with the key of the password that sealed it, and with no other", async () => {
    const kdf = newKdfParams();
    const keys = await deriveClientKeys("correct horse battery staple", kdf);
    expect(keys.authKey).toBe(await deriveAuthKey("correct horse battery staple", kdf));
    expect(keys.usernameKey).not.toBe(keys.authKey);
    const sealed = await sealUsername(keys.usernameKey, "Ａｌｉｃｅ");
    expect(await openUsername(keys.usernameKey, sealed)).toBe("alice");
    const other = await deriveClientKeys("correct horse battery staple!", kdf);
    expect(await openUsername(other.usernameKey, sealed)).toBeNull();
    // The authKey the server sees is no usernameKey.
    expect(await openUsername(keys.authKey, sealed)).toBeNull();
  });

  it("is the same length for every name and never the same twice", async () => {
    const { usernameKey } = await deriveClientKeys("pw", newKdfParams());
    const short = await sealUsername(usernameKey, "abc");
    const long = await sealUsername(usernameKey, "a".repeat(32));
    expect(decodeExact(short, USERNAME_SEALED_BYTES)).not.toBeNull();
    expect(decodeExact(long, USERNAME_SEALED_BYTES)).not.toBeNull();
    expect(await sealUsername(usernameKey, "abc")).not.toBe(short);
    expect(await openUsername(usernameKey, long)).toBe("a".repeat(32));
    await expect(sealUsername(usernameKey, "a".repeat(33))).rejects.toThrow();
    expect(await openUsername(usernameKey, "not-sealed")).toBeNull();
  });
});
