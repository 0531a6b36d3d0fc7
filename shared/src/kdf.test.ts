import { describe, expect, it } from "vitest";
import { deriveAuthKey, newKdfParams } from "./kdf";
import { decodeExact } from "./base64url";

describe("deriveAuthKey", () => {
  // Independent vector computed with Node's crypto.pbkdf2Sync + createHmac (see the test below).
  it("matches an independent PBKDF2 + HMAC computation", async () => {
    const { pbkdf2Sync, createHmac } = await import("node:crypto");
    const params = { salt: "AAECAwQFBgcICQoLDA0ODw", iterations: 600_000 };
    const master = pbkdf2Sync("correct horse", Buffer.from(params.salt, "base64url"), 600_000, 32, "sha256");
    const expected = createHmac("sha256", master).update("cargo-vpn/auth/v1").digest("base64url");
    expect(await deriveAuthKey("correct horse", params)).toBe(expected);
  });

  it("normalises the password with NFKC so composed and decomposed forms agree", async () => {
    const params = { salt: "AAECAwQFBgcICQoLDA0ODw", iterations: 600_000 };
    const composed = await deriveAuthKey("caf\u00e9", params);
    const decomposed = await deriveAuthKey("cafe\u0301", params);
    expect(composed).toBe(decomposed);
    expect(decodeExact(composed, 32)).not.toBeNull();
  });

  it("new parameters carry a 16-byte salt and at least 600000 iterations", () => {
    const a = newKdfParams();
    expect(decodeExact(a.salt, 16)).not.toBeNull();
    expect(a.iterations).toBeGreaterThanOrEqual(600_000);
    expect(newKdfParams().salt).not.toBe(a.salt);
  });
});
