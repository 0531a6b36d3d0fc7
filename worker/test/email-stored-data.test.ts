/**
 * After every email flow, no address or link token is readable anywhere the
 * worker stores things (D1, Durable Objects): links are kept only as hashes,
 * addresses only as ciphertext and blind index.
 */
import { describe, expect, it } from "vitest";
import { call, signIn, newDevice, register } from "./client";
import { catcher, inbox, linkToken } from "./mail";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

describe("email flows store no address and no token", () => {
  it("registration, resend, address change, reset and deletion requests leave no plaintext", async () => {
    const user = await register();
    const s = await signIn(user, newDevice());
    const token = s.body.accessToken as string;
    await call("POST", "/v1/me/email/verification", { token });
    const next = `stored-${crypto.randomUUID()}@example.com`;
    await call("PATCH", "/v1/me", { token, body: { email: next, authKey: user.cred.authKey } });
    // The change waits for the new address (and its undo link went to the old one); while it waits, a pending row holds it.
    const pendingStored = (await dumpD1()) + (await dumpDurableObjects());
    expect(pendingStored).not.toContain(next);
    const confirmation = (await inbox(next, 1)).find((m) => m.subject.includes("Confirm your email"))!;
    await call("POST", "/v1/email/verify", { body: { token: linkToken(confirmation) } });
    const headers = { "cf-connecting-ip": "192.0.2.99" };
    await call("POST", "/v1/auth/password-reset", { body: { email: next }, headers });
    await call("POST", "/v1/auth/deletion-request", { body: { email: next }, headers });
    await call("POST", "/v1/auth/password-reset", { body: { email: "nobody-stored@example.com" }, headers });
    await inbox(next, 3);
    const tokens = [...(await catcher().inbox(user.email)), ...(await catcher().inbox(next))]
      .filter((m) => m.text.includes("#token="))
      .map(linkToken);
    expect(tokens.length).toBeGreaterThanOrEqual(4);

    const stored = (await dumpD1()) + (await dumpDurableObjects());
    for (const secret of [user.email, next, "nobody-stored@example.com", "example.com", "192.0.2.99", user.cred.authKey, ...tokens]) {
      expect(stored, secret).not.toContain(secret);
    }
  });
});
