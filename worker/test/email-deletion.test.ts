/**
 * Erasure by email link (POST /v1/auth/deletion-request and /confirm): the
 * same erasure as DELETE /v1/me, proven by scanning every D1 table and
 * Durable Object, and a last message that says so.
 */
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, signIn, newDevice, provisionGateway, register } from "./client";
import { latest, linkToken, settledCount } from "./mail";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

const askDeletion = (email: string, ip = "192.0.2.10") =>
  call("POST", "/v1/auth/deletion-request", { body: { email }, headers: { "cf-connecting-ip": ip } });

describe("deletion by email link", () => {
  it("answers 202 alike for unknown addresses and sends nothing there", async () => {
    const user = await register();
    const ghost = `ghost-${crypto.randomUUID()}@example.com`;
    const known = await askDeletion(user.email, "192.0.2.11");
    const unknown = await askDeletion(ghost, "192.0.2.11");
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const message = await latest(user.email, "Confirm the deletion");
    expect(message.text).toMatch(/\/account\/delete-account\?lang=en#token=[A-Za-z0-9_-]{43}\n/);
    expect(message.text).toContain("Nothing is deleted until you confirm");
    expect(await settledCount(ghost, 1500)).toBe(0);
    // Asking deletes nothing.
    expect(
      (await call("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.authKey, device: newDevice() } })).status,
    ).toBe(200);
  });

  it("a wrong, used or expired token is 400 invalid_token and erases nothing", async () => {
    const user = await register();
    await askDeletion(user.email, "192.0.2.12");
    const token = linkToken(await latest(user.email, "Confirm the deletion"));
    for (const bad of ["", `${token.slice(0, -2)}AA`, linkToken(await latest(user.email, "Confirm your email"))]) {
      const res = await call("POST", "/v1/auth/deletion-request/confirm", { body: { token: bad } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_token");
    }
    await env.DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE account_id = ? AND purpose = 'deletion'")
      .bind(Date.now() - 1, user.id)
      .run();
    expect((await call("POST", "/v1/auth/deletion-request/confirm", { body: { token } })).body.code).toBe("invalid_token");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE id = ?").bind(user.id).first<{ n: number }>())!.n).toBe(1);
  });

  it("erases exactly as DELETE /v1/me: every table and Durable Object, tokens dead, a last message", async () => {
    const gw = await provisionGateway();
    const user = await register();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    const a = await signIn(user, newDevice("chrome", "Chrome on Erasable"));
    const b = await signIn(user, newDevice("firefox", "Firefox on Erasable"));
    const session = await call("POST", "/v1/tunnel/sessions", { token: a.body.accessToken, body: { locationId: gw.id } });
    const sessionId = session.body.session.id as string;
    await call("PATCH", "/v1/me", { token: a.body.accessToken, body: { telemetryOptIn: true } });
    // Counters of every email limit tied to the account: resend, and the address's link requests.
    await call("POST", "/v1/me/email/verification", { token: a.body.accessToken });
    await askDeletion(user.email, "192.0.2.13");
    const token = linkToken(await latest(user.email, "Confirm the deletion"));
    const { username_index, email_index, wrapped_key } = (await env.DB.prepare("SELECT * FROM accounts WHERE id = ?")
      .bind(user.id)
      .first<Record<string, string>>())!;
    const tokenRows = (
      await env.DB.prepare("SELECT token_hash FROM email_tokens WHERE account_id = ?").bind(user.id).all<{ token_hash: string }>()
    ).results;
    expect(tokenRows.length).toBeGreaterThan(0);

    const res = await call("POST", "/v1/auth/deletion-request/confirm", { body: { token } });
    expect(res.status).toBe(204);

    const d1 = await dumpD1();
    const objects = await dumpDurableObjects();
    for (const trace of [
      user.id,
      user.email,
      user.username,
      a.body.device.id,
      b.body.device.id,
      sessionId,
      username_index!,
      email_index!,
      wrapped_key!,
      token,
      ...tokenRows.map((r) => r.token_hash),
    ]) {
      expect(d1, `D1 still holds ${trace}`).not.toContain(trace);
      expect(objects, `Durable Objects still hold ${trace}`).not.toContain(trace);
    }
    // The objects named after the account and its address hold nothing at all.
    for (const name of [user.id]) {
      const stored = await runInDurableObject(env.DEVICE_SLOTS.get(env.DEVICE_SLOTS.idFromName(name)), async (_o, state) =>
        state.storage.list(),
      );
      expect(stored.size).toBe(0);
    }
    for (const name of [`resend:${user.id}`, `email:${email_index}`, `user:${username_index}`]) {
      const id = env.RATE_LIMITER.idFromName(name);
      expect((await listDurableObjectIds(env.RATE_LIMITER)).some((x) => x.equals(id))).toBe(true);
      const stored = await runInDurableObject(env.RATE_LIMITER.get(id), async (_o, state) => state.storage.list());
      expect(stored.size, name).toBe(0);
    }

    expect((await call("GET", "/v1/me", { token: a.body.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: b.body.refreshToken } })).status).toBe(401);
    const beat = await call("POST", "/v1/gateway/heartbeat", {
      body: { activeSessions: 1, load: 0, sessions: [sessionId] },
      headers: gw.auth,
    });
    expect(beat.body.revokedSessions).toContain(sessionId);

    const last = await latest(user.email, "was deleted");
    expect(last.text).toContain("This is the last message");
    expect((await call("POST", "/v1/auth/deletion-request/confirm", { body: { token } })).body.code).toBe("invalid_token");
    // The username and address are free again.
    expect((await register({ username: user.username, email: user.email })).id).not.toBe(user.id);
  });

  it("DELETE /v1/me sends the same last message", async () => {
    const user = await register();
    const s = await signIn(user);
    expect((await call("DELETE", "/v1/me", { token: s.body.accessToken, body: { authKey: user.cred.authKey } })).status).toBe(204);
    expect((await latest(user.email, "was deleted")).subject).toBe("Your Cargo VPN account was deleted");
  });
});
