/**
 * Keys that rotate, inside workerd against real D1 and Durable Objects:
 * JWT signing keys (next published before it signs, previous verifying until
 * its tokens expire), gateway secrets (overlap window, dropped on first use
 * of the new one) and DATA_KEK (accounts re-wrapped in batches while both
 * versions unwrap, personal fields untouched).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { base64url, exportJWK, generateKeyPair, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { createAccount, dataKeyOf, findById, findByUsername } from "../src/accounts/accounts";
import { accountView } from "../src/accounts/account-view";
import { kekVersionCounts, rewrapAll, type SqlRunner } from "../src/crypto/kek-rotation";
import { serverKeys } from "../src/crypto/keys";
import { database } from "../src/db/client";
import type { Env } from "../src/env";
import { rotateGatewaySecret } from "../src/gateways/provision";
import worker from "../src/index";
import { BASE, call, credential, newDevice, provisionGateway, register, signedIn, uniqueName } from "./client";

/** The worker's own fetch handler with other secrets, as a deploy with new `wrangler secret put` values would run. */
async function callWith(vars: Partial<Env>, method: string, path: string, options: { body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const request = new Request(BASE + path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function newJwk(): Promise<JWK & { kid: string }> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: "ES256" };
}

const kidOf = (token: string) => JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[0]!))).kid as string;

function publicOf(jwk: JWK): JWK {
  const { d: _d, ...rest } = jwk;
  return rest;
}

describe("JWT signing key rotation", () => {
  it("publishes next before it signs, then keeps the previous key verifying until it is retired", async () => {
    const current = JSON.parse(env.JWT_PRIVATE_KEY) as JWK & { kid: string };
    const next = await newJwk();
    const published = { JWT_NEXT_PRIVATE_KEY: JSON.stringify(next) };
    const promoted = { JWT_PRIVATE_KEY: JSON.stringify(next), JWT_PREVIOUS_PUBLIC_KEY: JSON.stringify(publicOf(current)) };
    const retired = { JWT_PRIVATE_KEY: JSON.stringify(next) };
    const user = await register();
    // Two devices, so the second sign-in does not replace the first one's.
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    const signIn = (vars: Partial<Env>) =>
      callWith(vars, "POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.authKey, device: newDevice() } });

    // Step 1: next is published (public half only) but the current key still signs.
    const jwks1 = await callWith(published, "GET", "/.well-known/jwks.json");
    expect(jwks1.body.keys.map((k: JWK) => k.kid)).toEqual([current.kid, next.kid]);
    for (const key of jwks1.body.keys) expect(key.d).toBeUndefined();
    const before = await signIn(published);
    expect(before.status).toBe(200);
    expect(kidOf(before.body.accessToken)).toBe(current.kid);
    const gw = await provisionGateway();
    const opened = await callWith(published, "POST", "/v1/tunnel/sessions", {
      token: before.body.accessToken,
      body: { locationId: gw.id },
    });
    expect(opened.status).toBe(201);
    expect(kidOf(opened.body.credentials.password)).toBe(current.kid);

    // Step 2: next signs; the old key is still published and its unexpired tokens still work.
    const jwks2 = await callWith(promoted, "GET", "/.well-known/jwks.json");
    expect(jwks2.body.keys.map((k: JWK) => k.kid)).toEqual([next.kid, current.kid]);
    expect((await callWith(promoted, "GET", "/v1/me", { token: before.body.accessToken })).status).toBe(200);
    const renewed = await callWith(promoted, "POST", `/v1/tunnel/sessions/${opened.body.session.id}/renew`, {
      token: before.body.accessToken,
    });
    expect(renewed.status).toBe(200);
    expect(kidOf(renewed.body.credentials.password)).toBe(next.kid);
    const after = await signIn(promoted);
    expect(after.status).toBe(200);
    expect(kidOf(after.body.accessToken)).toBe(next.kid);
    // While a deploy rolls out, a worker still on step 1 accepts the new key's tokens (it publishes it).
    expect((await callWith(published, "GET", "/v1/me", { token: after.body.accessToken })).status).toBe(200);
    // ...but a worker that never published it would not: that is what step 1 is for.
    expect((await call("GET", "/v1/me", { token: after.body.accessToken })).status).toBe(401);

    // The old token is still good in itself (same sign-in, not expired): only the key decides below.
    expect((await callWith(promoted, "GET", "/v1/me", { token: before.body.accessToken })).status).toBe(200);

    // Step 3: retired, the old key's tokens are refused and only the new key is published.
    const jwks3 = await callWith(retired, "GET", "/.well-known/jwks.json");
    expect(jwks3.body.keys.map((k: JWK) => k.kid)).toEqual([next.kid]);
    const refused = await callWith(retired, "GET", "/v1/me", { token: before.body.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("unauthorized");
    expect((await callWith(retired, "GET", "/v1/me", { token: after.body.accessToken })).status).toBe(200);
  });

  it("a previous key is only ever verifying: it never signs and its private half is never published", async () => {
    const current = JSON.parse(env.JWT_PRIVATE_KEY) as JWK & { kid: string };
    const old = await newJwk();
    const vars = { JWT_PREVIOUS_PUBLIC_KEY: JSON.stringify(publicOf(old)) };
    const jwks = await callWith(vars, "GET", "/.well-known/jwks.json");
    expect(jwks.body.keys.map((k: JWK) => k.kid)).toEqual([current.kid, old.kid]);
    expect(JSON.stringify(jwks.body)).not.toContain(old.d);
    const user = await register();
    const res = await callWith(vars, "POST", "/v1/auth/login", {
      body: { username: user.username, authKey: user.cred.authKey, device: newDevice() },
    });
    expect(kidOf(res.body.accessToken)).toBe(current.kid);
  });

  it("refuses to start with two keys of the same kid or a next key without its private half", async () => {
    const current = JSON.parse(env.JWT_PRIVATE_KEY) as JWK & { kid: string };
    const twin = { ...(await newJwk()), kid: current.kid };
    await expect(serverKeys({ ...env, JWT_NEXT_PRIVATE_KEY: JSON.stringify(twin) })).rejects.toThrow(/different kids/);
    await expect(serverKeys({ ...env, JWT_NEXT_PRIVATE_KEY: JSON.stringify(publicOf(await newJwk())) })).rejects.toThrow(/private JWK/);
    // An empty value is the same as unset (how a local run switches one off).
    expect((await serverKeys({ ...env, JWT_NEXT_PRIVATE_KEY: "" })).published).toHaveLength(1);
  });
});

describe("gateway secret rotation", () => {
  const beat = (secret: string) =>
    call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 0, load: 0 }, headers: { authorization: `Bearer ${secret}` } });

  it("the old secret works during the overlap until the gateway uses the new one, then never again", async () => {
    const gw = await provisionGateway();
    const { secret, sql } = await rotateGatewaySecret(gw.id, 60 * 60 * 1000);
    const rows = await env.DB.prepare(sql).all();
    expect(rows.results).toEqual([{ id: gw.id }]);
    // The gateway has not restarted yet: its old secret keeps it beating.
    expect((await beat(gw.secret)).status).toBe(200);
    expect((await beat(gw.secret)).status).toBe(200);
    // It restarts with the new one: from then on the old one is refused.
    expect((await beat(secret)).status).toBe(200);
    const refused = await beat(gw.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("unauthorized");
    expect((await beat(secret)).status).toBe(200);
    const row = await env.DB.prepare("SELECT previous_secret_hash, previous_secret_expires_at FROM gateways WHERE id = ?")
      .bind(gw.id)
      .first();
    expect(row).toEqual({ previous_secret_hash: null, previous_secret_expires_at: null });
  });

  it("the old secret stops working when the window ends, even if the new one was never used", async () => {
    const gw = await provisionGateway();
    const { secret, sql } = await rotateGatewaySecret(gw.id, 60_000, Date.now() - 61_000);
    await env.DB.prepare(sql).run();
    expect((await beat(gw.secret)).status).toBe(401);
    expect((await beat(secret)).status).toBe(200);
  });

  it("rotating twice keeps only the latest two secrets, and another gateway's secret never crosses over", async () => {
    const gw = await provisionGateway();
    const other = await provisionGateway({ name: "Paris 1", country: "FR" });
    const first = await rotateGatewaySecret(gw.id, 60 * 60 * 1000);
    await env.DB.prepare(first.sql).run();
    const second = await rotateGatewaySecret(gw.id, 60 * 60 * 1000);
    await env.DB.prepare(second.sql).run();
    expect((await beat(gw.secret)).status).toBe(401);
    const viaFirst = await call("POST", "/v1/gateway/heartbeat", {
      body: { activeSessions: 3, load: 0.5 },
      headers: { authorization: `Bearer ${first.secret}` },
    });
    expect(viaFirst.status).toBe(200);
    const rows = await env.DB.prepare("SELECT id, active_sessions FROM gateways WHERE id IN (?, ?) ORDER BY id")
      .bind(gw.id, other.id)
      .all();
    expect(rows.results).toContainEqual({ id: gw.id, active_sessions: 3 });
    expect(rows.results).toContainEqual({ id: other.id, active_sessions: 0 });
    expect((await beat(second.secret)).status).toBe(200);
    expect((await beat(first.secret)).status).toBe(401);
    expect((await beat(other.secret)).status).toBe(200);
    // Rotating an unknown gateway changes nothing.
    expect((await env.DB.prepare((await rotateGatewaySecret("gw-nope", 1000)).sql).all()).results).toEqual([]);
  });
});

describe("DATA_KEK rotation", () => {
  const run: SqlRunner = async <T>(sql: string) => (await env.DB.prepare(sql).all<T>()).results;
  const random32 = () => base64url.encode(crypto.getRandomValues(new Uint8Array(32)));

  it("re-wraps every account in batches while sign-ins read them, without touching a personal field", async () => {
    // Every account in this file's database is on the binding's key, so that is version 1 here.
    const k1 = env.DATA_KEK;
    const k2 = random32();
    const v1 = { ...env, DATA_KEK: k1, DATA_KEK_VERSION: "1" };
    const during = { ...env, DATA_KEK: k2, DATA_KEK_VERSION: "2", DATA_KEK_PREVIOUS: k1 };
    const v2 = { ...env, DATA_KEK: k2, DATA_KEK_VERSION: "2" };
    const db = database(env);
    const cred = credential();
    const created = [];
    for (let i = 0; i < 12; i++) {
      const username = uniqueName("kek");
      const row = await createAccount(db, await serverKeys(v1), {
        username,
        email: `${username}@example.com`,
        authKey: cred.authKey,
        kdf: { salt: cred.salt, iterations: cred.iterations },
      });
      expect(row.kekVersion).toBe(1);
      created.push({ id: row.id, username });
    }
    const ids = created.map((c) => `'${c.id}'`).join(", ");
    const fields = `SELECT id, username_index, email_index, username_ciphertext, email_ciphertext, auth_verifier FROM accounts WHERE id IN (${ids}) ORDER BY id`;
    const before = await run(fields);

    // Sign-ins (find by username, open the data key, decrypt) run throughout the re-wrap, with both versions configured.
    let reading = true;
    let reads = 0;
    const readers = (async () => {
      while (reading) {
        for (const c of created) {
          const keys = await serverKeys(during);
          const row = await findByUsername(db, keys, c.username);
          expect((await accountView(keys, row!, null)).username).toBe(c.username);
          reads++;
        }
      }
    })();
    // Accounts made mid-rotation are wrapped by the new version straight away.
    const fresh = await createAccount(db, await serverKeys(during), {
      username: uniqueName("kek"),
      email: "fresh@example.com",
      authKey: cred.authKey,
      kdf: { salt: cred.salt, iterations: cred.iterations },
    });
    expect(fresh.kekVersion).toBe(2);
    const batches: number[] = [];
    const result = await rewrapAll(run, (await serverKeys(during)).kek, 5, (b) => batches.push(b.seen));
    reading = false;
    await readers;
    expect(reads).toBeGreaterThan(0);
    expect(result.rewrapped).toBeGreaterThanOrEqual(12);
    expect(Math.max(...batches)).toBeLessThanOrEqual(5);

    // Only the wrapped key and its version changed.
    expect(await run(fields)).toEqual(before);
    const versions = await run<{ kek_version: number }>(`SELECT DISTINCT kek_version FROM accounts WHERE id IN (${ids})`);
    expect(versions).toEqual([{ kek_version: 2 }]);
    expect((await kekVersionCounts(run)).find((c) => c.version === 1)).toBeUndefined();

    // The old key can be retired: the new one alone opens every account, the old one alone none.
    for (const c of created) {
      const row = (await findById(db, c.id))!;
      expect((await accountView(await serverKeys(v2), row, null)).username).toBe(c.username);
      await expect(dataKeyOf(await serverKeys(v1), row)).rejects.toThrow(/no configured DATA_KEK/);
    }
  });

  it("never brings back an account erased between reading and writing its batch", async () => {
    const k2 = random32();
    const during = { ...env, DATA_KEK: k2, DATA_KEK_VERSION: "2", DATA_KEK_PREVIOUS: env.DATA_KEK };
    const victim = await register();
    const survivor = await register();
    let erased = false;
    // The account is deleted (as DELETE /v1/me does) right before the batch's update lands.
    const racing: SqlRunner = async <T>(sql: string) => {
      if (!erased && sql.includes("UPDATE accounts")) {
        erased = true;
        await env.DB.prepare("DELETE FROM accounts WHERE id = ?").bind(victim.id).run();
      }
      return run<T>(sql);
    };
    const result = await rewrapAll(racing, (await serverKeys(during)).kek, 300);
    expect(erased).toBe(true);
    expect(result.skipped).toBe(1);
    expect(await env.DB.prepare("SELECT id FROM accounts WHERE id = ?").bind(victim.id).first()).toBeNull();
    const row = (await findById(database(env), survivor.id))!;
    expect(row.kekVersion).toBe(2);
    expect((await accountView(await serverKeys({ ...env, DATA_KEK: k2, DATA_KEK_VERSION: "2" }), row, null)).username).toBe(
      survivor.username,
    );
  });

  it("a data key opened while both KEKs are configured is never served once the previous one is retired", async () => {
    const k2 = random32();
    const during = { ...env, DATA_KEK: k2, DATA_KEK_VERSION: "2", DATA_KEK_PREVIOUS: env.DATA_KEK };
    const v2 = { ...env, DATA_KEK: k2, DATA_KEK_VERSION: "2" };
    // Wrapped by the binding's key, which is version 1 here.
    const { token } = await signedIn();
    expect((await callWith(during, "GET", "/v1/me", { token })).status).toBe(200);
    // The second read finds the key opened by the first (crypto/envelope.ts keeps it for the isolate).
    expect((await callWith(during, "GET", "/v1/me", { token })).status).toBe(200);
    // Retired before this account was re-wrapped: the account no longer opens, cached copy or not.
    const retired = await callWith(v2, "GET", "/v1/me", { token });
    expect(retired.status).toBe(500);
    expect(retired.body.code).toBe("internal");
    expect((await call("GET", "/v1/me", { token })).status).toBe(200);
  });

  it("refuses a previous key without a version to sit below", async () => {
    await expect(serverKeys({ ...env, DATA_KEK_PREVIOUS: random32() })).rejects.toThrow(/DATA_KEK_VERSION/);
  });
});
