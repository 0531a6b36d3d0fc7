/**
 * The username only its owner reads (issue 18 item 5): a client that seals
 * the name leaves the server no copy it can read; an older account moves to
 * the sealed copy at its next sign-in (the server's copy emptied in the same
 * UPDATE); a password change and a reset re-seal, and a reset with a wrong
 * username changes nothing. The storage scan holds DATA_KEK and INDEX_KEY:
 * it unwraps every data key and opens every sealed field it finds in D1 and
 * the Durable Objects, and still finds no migrated username, while it does
 * find a not-yet-migrated one (the positive control) and the owner's client
 * opens the sealed copy with its key.
 */
import { openUsername, sealUsername } from "@cargo-vpn/shared/username-seal";
import { env } from "cloudflare:test";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { dataKeyOf } from "../src/accounts/accounts";
import { decryptField } from "../src/crypto/envelope";
import { serverKeys } from "../src/crypto/keys";
import { call, credential, newDevice, register, signedIn, type TestUser, uniqueName } from "./client";
import { latest, linkToken } from "./mail";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

interface AccountColumns {
  username_ciphertext: string;
  username_sealed: string | null;
  auth_verifier: string;
  kdf_salt: string;
}
const columns = (id: string) =>
  env.DB.prepare("SELECT username_ciphertext, username_sealed, auth_verifier, kdf_salt FROM accounts WHERE id = ?")
    .bind(id)
    .first<AccountColumns>();

/** Registers the way the extension does now: the name sealed under the password's usernameKey. */
async function registerSealed(n = 0): Promise<TestUser & { sealed: string }> {
  const username = uniqueName("sealed");
  // An address that does not contain the name, so finding the address is not finding the name.
  const email = `${crypto.randomUUID()}@example.com`;
  const cred = credential(n);
  const sealed = await sealUsername(cred.usernameKey, username);
  const res = await call("POST", "/v1/accounts", {
    body: {
      username,
      email,
      authKey: cred.authKey,
      kdf: { salt: cred.salt, iterations: cred.iterations },
      usernameSealed: sealed,
      ageConfirmed: true,
    },
  });
  expect(res.status).toBe(201);
  expect(res.body.account.username).toBeNull();
  expect(res.body.account.usernameSealed).toBe(sealed);
  return { id: res.body.account.id, username, email, cred, sealed };
}

/** One device per account: the free plan has one slot, and signing in again on it is the same sign-in. */
const devices = new Map<string, ReturnType<typeof newDevice>>();
const deviceOf = (user: TestUser) => devices.get(user.id) ?? devices.set(user.id, newDevice()).get(user.id)!;
const login = (user: TestUser, body: Record<string, unknown> = {}) =>
  call("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.authKey, device: deviceOf(user), ...body } });

const FIELDS = [
  "username",
  "email",
  "devices",
  "sign-in-challenge",
  "totp-secret",
  "stripe-checkout",
  "stripe-customer",
  "stripe-subscription",
];

/** Every string inside a JSON value (D1 cells and Durable Object values, nested). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** What the server's keys open: every stored string tried as every account's sealed field, under every data key. */
async function openedWithServerKeys(): Promise<string> {
  const keys = await serverKeys(env);
  const rows = (await env.DB.prepare("SELECT * FROM accounts").all<Record<string, unknown>>()).results;
  const stored = [...new Set(strings([JSON.parse(await dumpD1()), JSON.parse(await dumpDurableObjects())]))].filter((s) => s.length > 20);
  const opened: string[] = [];
  for (const row of rows) {
    const key = await dataKeyOf(keys, { id: row.id, wrappedKey: row.wrapped_key, kekVersion: row.kek_version } as never);
    for (const value of stored) {
      for (const field of FIELDS) {
        try {
          opened.push(await decryptField(key, row.id as string, field, value));
        } catch {}
      }
    }
  }
  return opened.join("\n");
}

describe("the username only its owner reads", () => {
  it("with DATA_KEK and INDEX_KEY in hand no sealed username is found in D1 or the Durable Objects; a not-yet-migrated one is", async () => {
    const sealed = await registerSealed();
    expect((await login(sealed, { usernameSealed: await sealUsername(sealed.cred.usernameKey, sealed.username) })).status).toBe(200);
    const legacy = await register();
    expect((await login(legacy)).status).toBe(200);

    const d1 = await dumpD1();
    const objects = await dumpDurableObjects();
    const opened = await openedWithServerKeys();
    // The scan works: it opens emails and the old server copy.
    expect(opened).toContain(sealed.email);
    expect(opened).toContain(legacy.username);
    for (const haystack of [d1, objects, opened]) expect(haystack.toLowerCase()).not.toContain(sealed.username.toLowerCase());
    // The owner's client opens it; another password's key does not.
    const stored = (await columns(sealed.id))!;
    expect(stored.username_ciphertext).toBe("");
    expect(await openUsername(sealed.cred.usernameKey, stored.username_sealed!)).toBe(sealed.username);
    expect(await openUsername(credential(1).usernameKey, stored.username_sealed!)).toBeNull();
  });

  it("an older account moves to the sealed copy at its next sign-in, and the server's copy is emptied", async () => {
    const user = await register();
    const before = (await columns(user.id))!;
    expect(before.username_sealed).toBeNull();
    expect(before.username_ciphertext).not.toBe("");
    // A sign-in without it (an older client) changes nothing.
    const old = await login(user);
    expect(old.status).toBe(200);
    expect(old.body.account.username).toBe(user.username);
    expect(old.body.account.usernameSealed).toBeNull();

    const sealed = await sealUsername(user.cred.usernameKey, user.username);
    const res = await login(user, { usernameSealed: sealed });
    expect(res.status).toBe(200);
    expect(res.body.account.username).toBeNull();
    expect(res.body.account.usernameSealed).toBe(sealed);
    expect(await columns(user.id)).toMatchObject({ username_ciphertext: "", username_sealed: sealed });
    // Once sealed, a sign-in does not replace it (only a new password re-seals).
    const other = await sealUsername(user.cred.usernameKey, user.username);
    const later = await login(user, { usernameSealed: other });
    expect(later.body.account.usernameSealed).toBe(sealed);
    expect((await call("GET", "/v1/me", { token: later.body.accessToken })).body.account).toMatchObject({
      username: null,
      usernameSealed: sealed,
    });
    // A wrong password moves nothing.
    const victim = await register();
    const wrong = await call("POST", "/v1/auth/login", {
      body: { username: victim.username, authKey: victim.cred.wrongAuthKey, device: newDevice(), usernameSealed: sealed },
    });
    expect(wrong.status).toBe(401);
    expect((await columns(victim.id))!.username_sealed).toBeNull();
  });

  it("with two-factor sign-in on, the sealed copy is stored only once the code completes the sign-in", async () => {
    const s = await signedIn();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(s.user.id).run();
    const start = await call("POST", "/v1/me/two-factor/totp", { token: s.token, body: { authKey: s.user.cred.authKey } });
    expect(start.status).toBe(200);
    const codeAt = (steps: number) =>
      new TOTP({ secret: Secret.fromBase32(start.body.secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({
        timestamp: Date.now() + steps * 30_000,
      });
    // Room in the time step, so the codes computed now stay valid while used.
    const left = 30_000 - (Date.now() % 30_000);
    if (left < 8000) await new Promise((r) => setTimeout(r, left + 50));
    expect((await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code: codeAt(-1) } })).status).toBe(200);

    const sealed = await sealUsername(s.user.cred.usernameKey, s.user.username);
    const first = await call("POST", "/v1/auth/login", {
      body: { username: s.user.username, authKey: s.user.cred.authKey, device: newDevice(), usernameSealed: sealed },
    });
    expect(first.body.code).toBe("second_factor_required");
    expect((await columns(s.user.id))!.username_sealed).toBeNull();
    const done = await call("POST", "/v1/auth/second-factor", { body: { challenge: first.body.challenge, code: codeAt(0) } });
    expect(done.status).toBe(200);
    expect(done.body.account).toMatchObject({ username: null, usernameSealed: sealed });
    expect(await columns(s.user.id)).toMatchObject({ username_ciphertext: "", username_sealed: sealed });
  });

  it("a sealed copy that is not 60 bytes of base64url is a validation error", async () => {
    const user = await register();
    const res = await login(user, { usernameSealed: "abc" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect((await columns(user.id))!.username_sealed).toBeNull();
  });

  it("changing the password re-seals the name under the new key; without a new sealed copy the old one is dropped", async () => {
    const user = await registerSealed(0);
    const signedIn = await login(user);
    const token = signedIn.body.accessToken as string;
    const next = credential(1);
    const resealed = await sealUsername(next.usernameKey, user.username);
    const changed = await call("POST", "/v1/me/password", {
      token,
      body: {
        authKey: user.cred.authKey,
        newAuthKey: next.authKey,
        newKdf: { salt: next.salt, iterations: next.iterations },
        newUsernameSealed: resealed,
      },
    });
    expect(changed.status).toBe(204);
    const stored = (await columns(user.id))!;
    expect(stored).toMatchObject({ username_ciphertext: "", username_sealed: resealed });
    expect(await openUsername(next.usernameKey, stored.username_sealed!)).toBe(user.username);

    // An older client sends none: the copy the new key could not open goes, and the next sign-in stores one.
    const third = credential(2);
    const changedAgain = await call("POST", "/v1/me/password", {
      token,
      body: { authKey: next.authKey, newAuthKey: third.authKey, newKdf: { salt: third.salt, iterations: third.iterations } },
    });
    expect(changedAgain.status).toBe(204);
    expect(await columns(user.id)).toMatchObject({ username_ciphertext: "", username_sealed: null });
    const again = await sealUsername(third.usernameKey, user.username);
    const back = await call("POST", "/v1/auth/login", {
      body: { username: user.username, authKey: third.authKey, device: deviceOf(user), usernameSealed: again },
    });
    expect(back.status).toBe(200);
    expect((await columns(user.id))!.username_sealed).toBe(again);
  });

  it("a reset with a wrong username is 400 username_mismatch and changes nothing; the right one re-seals", async () => {
    const user = await registerSealed(0);
    await call("POST", "/v1/auth/password-reset", { body: { email: user.email }, headers: { "cf-connecting-ip": "198.51.100.41" } });
    const token = linkToken(await latest(user.email, "Choose a new"));
    const next = credential(1);
    const fields = async (username: string) => ({
      token,
      username,
      newAuthKey: next.authKey,
      newKdf: { salt: next.salt, iterations: next.iterations },
      newUsernameSealed: await sealUsername(next.usernameKey, username),
    });
    const before = await columns(user.id);

    const wrong = await call("POST", "/v1/auth/password-reset/confirm", { body: await fields(uniqueName("someone")) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("username_mismatch");
    expect(await columns(user.id)).toEqual(before);
    expect((await login(user)).status).toBe(200);

    // The link still works, with the right name typed in another case.
    const right = await call("POST", "/v1/auth/password-reset/confirm", { body: await fields(user.username.toUpperCase()) });
    expect(right.status).toBe(204);
    const stored = (await columns(user.id))!;
    expect(await openUsername(next.usernameKey, stored.username_sealed!)).toBe(user.username);
    expect(stored.kdf_salt).toBe(next.salt);
  });

  it("wrong usernames on a reset are limited per account: then right and wrong alike wait", async () => {
    const user = await registerSealed(0);
    await call("POST", "/v1/auth/password-reset", { body: { email: user.email }, headers: { "cf-connecting-ip": "198.51.100.42" } });
    const token = linkToken(await latest(user.email, "Choose a new"));
    const next = credential(1);
    const attempt = async (username: string) =>
      call("POST", "/v1/auth/password-reset/confirm", {
        body: {
          token,
          username,
          newAuthKey: next.authKey,
          newKdf: { salt: next.salt, iterations: next.iterations },
          newUsernameSealed: await sealUsername(next.usernameKey, username),
        },
      });
    const guesses = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`guess-${i}-${user.username}`.slice(0, 32))));
    expect(guesses.filter((g) => g.body.code === "username_mismatch")).toHaveLength(5);
    expect(guesses.filter((g) => g.status === 429)).toHaveLength(3);
    const right = await attempt(user.username);
    expect(right.status).toBe(429);
    expect((await columns(user.id))!.kdf_salt).toBe(user.cred.salt);
  });
});
