/**
 * Password change (signed in) and password reset by email link: both sign
 * devices out through the sign-out path (slot freed, tunnel session ended,
 * gateway told at its heartbeat), and a notice goes out.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, credential, signIn, newDevice, provisionGateway, register, type TestUser } from "./client";
import { inbox, latest, linkToken, settledCount } from "./mail";
import { sealUsername } from "@cargo-vpn/shared/username-seal";

const newPassword = (n = 1) => ({
  newAuthKey: credential(n).authKey,
  newKdf: { salt: credential(n).salt, iterations: credential(n).iterations },
});

/** A reset confirmation's fields: the username typed again and sealed under the new password's key. */
const resetWith = async (user: TestUser, n = 1) => ({
  username: user.username,
  newUsernameSealed: await sealUsername(credential(n).usernameKey, user.username),
  ...newPassword(n),
});

async function plusUserWithTwoDevices(gatewayId: string) {
  const user = await register();
  await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
  const here = await signIn(user, newDevice("chrome", "This laptop"));
  const other = await signIn(user, newDevice("firefox", "Other laptop"));
  const sessions = [];
  for (const device of [here, other]) {
    const started = await call("POST", "/v1/tunnel/sessions", { token: device.body.accessToken, body: { locationId: gatewayId } });
    expect(started.status).toBe(201);
    sessions.push(started.body.session.id as string);
  }
  return { user, here: here.body, other: other.body, sessions };
}

const signInAs = (user: TestUser, authKey: string) =>
  call("POST", "/v1/auth/login", { body: { username: user.username, authKey, device: newDevice() } });

async function heartbeat(gw: { auth: Record<string, string> }, sessions: string[]) {
  return (await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: sessions.length, load: 0, sessions }, headers: gw.auth }))
    .body.revokedSessions as string[];
}

describe("POST /v1/me/password", () => {
  it("replaces the key, signs out every other device (slot, tokens, tunnel) and keeps this one", async () => {
    const gw = await provisionGateway();
    const { user, here, other, sessions } = await plusUserWithTwoDevices(gw.id);

    const res = await call("POST", "/v1/me/password", { token: here.accessToken, body: { authKey: user.cred.authKey, ...newPassword() } });
    expect(res.status).toBe(204);

    // This device stays; the other is gone with its slot, its tokens and its tunnel session.
    const devices = await call("GET", "/v1/devices", { token: here.accessToken });
    expect(devices.status).toBe(200);
    expect(devices.body.devices.map((d: { id: string }) => d.id)).toEqual([here.device.id]);
    expect((await call("GET", "/v1/me", { token: other.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: other.refreshToken } })).status).toBe(401);
    expect((await call("POST", `/v1/tunnel/sessions/${sessions[1]}/renew`, { token: here.accessToken })).status).not.toBe(200);
    expect(await heartbeat(gw, sessions)).toEqual([sessions[1]]);
    expect((await call("POST", `/v1/tunnel/sessions/${sessions[0]}/renew`, { token: here.accessToken })).status).toBe(200);

    // The old key is refused, the new one works.
    expect((await signInAs(user, user.cred.authKey)).status).toBe(401);
    expect((await signInAs(user, credential(1).authKey)).status).toBe(200);
    const prelogin = await call("POST", "/v1/auth/prelogin", { body: { username: user.username } });
    expect(prelogin.body.salt).toBe(credential(1).salt);

    const notice = await latest(user.email, "password was changed");
    expect(notice.text).toContain("other devices were signed out");
  });

  it("a wrong current authKey is 401 invalid_credentials and changes nothing", async () => {
    const user = await register();
    const device = newDevice();
    const s = await signIn(user, device);
    const res = await call("POST", "/v1/me/password", {
      token: s.body.accessToken,
      body: { authKey: user.cred.wrongAuthKey, ...newPassword() },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_credentials");
    // The sign-in survives, and the old key still signs in.
    expect((await call("GET", "/v1/me", { token: s.body.accessToken })).status).toBe(200);
    const again = await signIn(user, device);
    expect(again.status).toBe(200);
    expect((await call("POST", "/v1/me/password", { token: again.body.accessToken, body: { authKey: user.cred.authKey } })).body.code).toBe(
      "validation_failed",
    );
    expect((await call("POST", "/v1/me/password", { body: { authKey: user.cred.authKey, ...newPassword() } })).status).toBe(401);
  });
});

describe("password reset by email", () => {
  it("answers 202 alike for known and unknown addresses, and mails a link only to a real account", async () => {
    const user = await register();
    const headers = { "cf-connecting-ip": "198.51.100.10" };
    const known = await call("POST", "/v1/auth/password-reset", { body: { email: user.email.toUpperCase() }, headers });
    const ghost = `ghost-${crypto.randomUUID()}@example.com`;
    const unknown = await call("POST", "/v1/auth/password-reset", { body: { email: ghost }, headers });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    const message = await latest(user.email, "Choose a new");
    expect(message.text).toMatch(/\/account\/reset-password\?lang=en#token=[A-Za-z0-9_-]{43}\n/);
    expect(message.text).toContain("expires in 1 hour");
    expect(await settledCount(ghost, 1500)).toBe(0);
    // Nothing stored for the unknown address but the rate-limit counter.
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM email_tokens WHERE purpose = 'reset' AND account_id = ?")
        .bind(user.id)
        .first<{ n: number }>())!.n,
    ).toBe(1);
  });

  it("takes similar time for known and unknown addresses", async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => register()));
    const time = async (email: string, n: number) => {
      const started = performance.now();
      const res = await call("POST", "/v1/auth/password-reset", {
        body: { email },
        headers: { "cf-connecting-ip": `198.51.100.${40 + n}` },
      });
      expect(res.status).toBe(202);
      return performance.now() - started;
    };
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (const [n, user] of users.entries()) {
      knownTimes.push(await time(user.email, n));
      unknownTimes.push(await time(`nobody-${crypto.randomUUID()}@example.com`, n));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // The link is issued and queued after the answer: the known path does no measurably extra work before it.
    expect(median(knownTimes)).toBeLessThan(median(unknownTimes) * 3 + 20);
    expect(median(unknownTimes)).toBeLessThan(median(knownTimes) * 3 + 20);
  });

  it("the link sets a new key, signs out every device, verifies the address, and works once", async () => {
    const gw = await provisionGateway();
    const { user, here, other, sessions } = await plusUserWithTwoDevices(gw.id);
    await call("POST", "/v1/auth/password-reset", { body: { email: user.email }, headers: { "cf-connecting-ip": "198.51.100.11" } });
    const token = linkToken(await latest(user.email, "Choose a new"));

    const res = await call("POST", "/v1/auth/password-reset/confirm", { body: { token, ...(await resetWith(user, 2)) } });
    expect(res.status).toBe(204);
    for (const device of [here, other]) {
      expect((await call("GET", "/v1/me", { token: device.accessToken })).status).toBe(401);
      expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: device.refreshToken } })).status).toBe(401);
    }
    expect((await heartbeat(gw, sessions)).sort()).toEqual([...sessions].sort());
    expect((await signInAs(user, user.cred.authKey)).status).toBe(401);
    const fresh = await signInAs(user, credential(2).authKey);
    expect(fresh.status).toBe(200);
    expect(fresh.body.account.emailVerified).toBe(true);
    // Every slot was freed: only the new sign-in holds one.
    expect((await call("GET", "/v1/devices", { token: fresh.body.accessToken })).body.devices).toHaveLength(1);
    await latest(user.email, "password was changed");

    const reused = await call("POST", "/v1/auth/password-reset/confirm", { body: { token, ...(await resetWith(user, 0)) } });
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe("invalid_token");
    expect((await signInAs(user, credential(2).authKey)).status).toBe(200);
  });

  it("a link used by several requests at once works exactly once", async () => {
    const user = await register();
    await call("POST", "/v1/auth/password-reset", { body: { email: user.email }, headers: { "cf-connecting-ip": "198.51.100.13" } });
    const token = linkToken(await latest(user.email, "Choose a new"));
    const answers = await Promise.all(
      [0, 1, 2, 0, 1, 2].map(async (n) =>
        call("POST", "/v1/auth/password-reset/confirm", { body: { token, ...(await resetWith(user, n)) } }),
      ),
    );
    expect(answers.filter((a) => a.status === 204)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.code === "invalid_token")).toHaveLength(5);
  });

  it("a wrong or expired token is 400 invalid_token and the password stays", async () => {
    const user = await register();
    await call("POST", "/v1/auth/password-reset", { body: { email: user.email }, headers: { "cf-connecting-ip": "198.51.100.12" } });
    const token = linkToken(await latest(user.email, "Choose a new"));
    const verifyToken = linkToken(await latest(user.email, "Confirm your email"));
    for (const bad of ["", "x".repeat(43), verifyToken]) {
      const res = await call("POST", "/v1/auth/password-reset/confirm", { body: { token: bad, ...(await resetWith(user)) } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_token");
    }
    await env.DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE account_id = ? AND purpose = 'reset'")
      .bind(Date.now() - 1, user.id)
      .run();
    expect((await call("POST", "/v1/auth/password-reset/confirm", { body: { token, ...(await resetWith(user)) } })).body.code).toBe(
      "invalid_token",
    );
    expect((await signInAs(user, user.cred.authKey)).status).toBe(200);
    // The reset link lives 1 hour.
    await call("POST", "/v1/auth/password-reset", { body: { email: user.email }, headers: { "cf-connecting-ip": "198.51.100.12" } });
    await inbox(user.email, 3);
    const row = await env.DB.prepare("SELECT expires_at FROM email_tokens WHERE account_id = ? AND purpose = 'reset'")
      .bind(user.id)
      .first<{ expires_at: number }>();
    expect(row!.expires_at - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(row!.expires_at - Date.now()).toBeLessThanOrEqual(60 * 60_000);
  });

  it("is rate limited per address and per client, with Retry-After, the same for unknown addresses", async () => {
    const ask = (email: string, ip: string) =>
      call("POST", "/v1/auth/password-reset", { body: { email }, headers: { "cf-connecting-ip": ip } });
    for (const email of [(await register()).email, `nobody-${crypto.randomUUID()}@example.com`]) {
      // Per address and client: five an hour (other clients keep their own: email-link-limits.test.ts).
      for (let i = 0; i < 5; i++) expect((await ask(email, "198.51.100.100")).status).toBe(202);
      const limited = await ask(email, "198.51.100.100");
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe("rate_limited");
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(3000);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      // The deletion link shares the allowance.
      expect(
        (await call("POST", "/v1/auth/deletion-request", { body: { email }, headers: { "cf-connecting-ip": "198.51.100.100" } })).status,
      ).toBe(429);
    }
    // Per client: twenty an hour, across addresses.
    const client = "198.51.100.200";
    for (let i = 0; i < 20; i++) expect((await ask(`someone-${i}-${crypto.randomUUID()}@example.com`, client)).status).toBe(202);
    const limited = await ask(`someone-else-${crypto.randomUUID()}@example.com`, client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("bad input is validation_failed", async () => {
    for (const body of [{}, { email: "not-an-address" }, { email: "a@example.com", extra: 1 }]) {
      const res = await call("POST", "/v1/auth/password-reset", { body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
    const res = await call("POST", "/v1/auth/password-reset/confirm", {
      body: { token: "abc", newAuthKey: "short", newKdf: { salt: "x", iterations: 1 } },
    });
    expect(res.body.code).toBe("validation_failed");
  });
});
