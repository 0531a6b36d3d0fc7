/**
 * An email change can be undone (issue 20, item 3), read through the real
 * mail: PATCH /v1/me only asks for the change; the account keeps its address
 * until the new one confirms; the old address's notice carries a link that,
 * for 3 days, cancels the change (or puts the old address back once it took
 * effect) and signs every device out.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, newDevice, register, signIn } from "./client";
import { catcher, inbox, latest, linkToken, settledCount } from "./mail";

const ABOUT_TO_CHANGE = "email address is about to change";

async function twoDevices() {
  const user = await register();
  await inbox(user.email, 1);
  await env.DB.prepare("UPDATE accounts SET email_verified = 1, plan_id = 'plus' WHERE id = ?").bind(user.id).run();
  const a = await signIn(user, newDevice("chrome", "Laptop"));
  const b = await signIn(user, newDevice("firefox", "Desktop"));
  return { user, devices: [a.body, b.body] as { accessToken: string; refreshToken: string }[] };
}

const me = async (token: string) => (await call("GET", "/v1/me", { token })).body.account;
const askChange = (token: string, email: string, authKey: string) =>
  call("PATCH", "/v1/me", { token, body: { email, authKey }, headers: { "cf-connecting-ip": "192.0.2.160" } });
const resetFor = (email: string) =>
  call("POST", "/v1/auth/password-reset", {
    body: { email },
    headers: { "cf-connecting-ip": `192.0.2.${170 + Math.floor(Math.random() * 50)}` },
  });

describe("email change: pending, confirmed, undone", () => {
  it("stays pending until the new address confirms; the old address's link then undoes it and signs everyone out", async () => {
    const { user, devices } = await twoDevices();
    const token = devices[0]!.accessToken;
    const next = `thief-${crypto.randomUUID()}@example.com`;

    const asked = await askChange(token, next, user.cred.authKey);
    expect(asked.status).toBe(200);
    expect(asked.body.account).toMatchObject({ email: user.email, emailVerified: true });

    // The old address is told, with a link; the account is still on it, and a reset for it still arrives there.
    const notice = await latest(user.email, ABOUT_TO_CHANGE);
    expect(notice.text).toContain(`${env.PUBLIC_BASE_URL}/account/undo-email-change?lang=en#token=`);
    expect(notice.text).not.toContain(next);
    expect((await me(token)).email).toBe(user.email);
    expect((await resetFor(user.email)).status).toBe(202);
    await latest(user.email, "Choose a new Cargo VPN password");
    expect((await resetFor(next)).status).toBe(202);

    // The new address confirms: now the account is on it.
    const confirm = await latest(next, "Confirm your email");
    expect((await call("POST", "/v1/email/verify", { body: { token: linkToken(confirm) } })).status).toBe(200);
    expect(await me(token)).toMatchObject({ email: next, emailVerified: true });
    await latest(user.email, "email address of your Cargo VPN account was changed");
    // Only the confirmation ever went to the new address: the earlier reset request for it found no account.
    expect((await catcher().inbox(next)).map((m) => m.subject)).toEqual([confirm.subject]);

    // The owner undoes it from the old address.
    const undo = linkToken(notice);
    expect((await call("GET", "/account/undo-email-change")).status).toBe(200);
    const undone = await call("POST", "/v1/email/change/undo", { body: { token: undo } });
    expect(undone.status).toBe(204);
    for (const d of devices) {
      expect((await call("GET", "/v1/me", { token: d.accessToken })).status).toBe(401);
      expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: d.refreshToken } })).status).toBe(401);
    }
    const fresh = await signIn(user, newDevice("chrome", "Laptop again"));
    expect(fresh.status).toBe(200);
    expect(fresh.body.account).toMatchObject({ email: user.email, emailVerified: true });
    expect((await call("GET", "/v1/devices", { token: fresh.body.accessToken })).body.devices).toHaveLength(1);
    await latest(user.email, "email change of your Cargo VPN account was undone");
    // The link works once, and the new address is free again.
    expect((await call("POST", "/v1/email/change/undo", { body: { token: undo } })).body.code).toBe("invalid_token");
    expect((await register({ email: next })).id).not.toBe(user.id);
    // Reset links for the old address work again.
    expect((await resetFor(user.email)).status).toBe(202);
    const reset = (await catcher().inbox(user.email)).filter((m) => m.subject.includes("new Cargo VPN password"));
    expect(reset.length).toBeGreaterThanOrEqual(1);
  });

  it("undone while pending: the change never happens and its confirmation link is dead", async () => {
    const { user, devices } = await twoDevices();
    const next = `pending-${crypto.randomUUID()}@example.com`;
    expect((await askChange(devices[0]!.accessToken, next, user.cred.authKey)).status).toBe(200);
    const undo = linkToken(await latest(user.email, ABOUT_TO_CHANGE));
    const confirm = linkToken(await latest(next, "Confirm your email"));
    expect((await call("POST", "/v1/email/change/undo", { body: { token: undo } })).status).toBe(204);
    expect((await call("POST", "/v1/email/verify", { body: { token: confirm } })).body.code).toBe("invalid_token");
    const back = await signIn(user, newDevice());
    expect(back.body.account.email).toBe(user.email);
    expect((await call("GET", "/v1/me", { token: devices[1]!.accessToken })).status).toBe(401);
  });

  it("a second request replaces the first: only the newest confirmation link works", async () => {
    const { user, devices } = await twoDevices();
    const first = `first-${crypto.randomUUID()}@example.com`;
    const second = `second-${crypto.randomUUID()}@example.com`;
    await askChange(devices[0]!.accessToken, first, user.cred.authKey);
    const firstLink = linkToken(await latest(first, "Confirm your email"));
    await askChange(devices[0]!.accessToken, second, user.cred.authKey);
    expect((await call("POST", "/v1/email/verify", { body: { token: firstLink } })).body.code).toBe("invalid_token");
    const secondLink = linkToken(await latest(second, "Confirm your email"));
    expect((await call("POST", "/v1/email/verify", { body: { token: secondLink } })).status).toBe(200);
    expect((await me(devices[0]!.accessToken)).email).toBe(second);
  });

  it("the undo link lasts 3 days, and bad tokens change nothing", async () => {
    const { user, devices } = await twoDevices();
    const next = `late-${crypto.randomUUID()}@example.com`;
    await askChange(devices[0]!.accessToken, next, user.cred.authKey);
    const undo = linkToken(await latest(user.email, ABOUT_TO_CHANGE));
    const row = await env.DB.prepare("SELECT expires_at FROM email_tokens WHERE account_id = ? AND purpose = 'email-change-undo'")
      .bind(user.id)
      .first<{ expires_at: number }>();
    expect(row!.expires_at - Date.now()).toBeGreaterThan(3 * 24 * 60 * 60 * 1000 - 60_000);
    expect(row!.expires_at - Date.now()).toBeLessThanOrEqual(3 * 24 * 60 * 60 * 1000);
    for (const body of [{}, { token: 42 }, { token: undo, extra: 1 }]) {
      expect((await call("POST", "/v1/email/change/undo", { body })).body.code).toBe("validation_failed");
    }
    await env.DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE account_id = ? AND purpose = 'email-change-undo'")
      .bind(Date.now() - 1, user.id)
      .run();
    expect((await call("POST", "/v1/email/change/undo", { body: { token: undo } })).body.code).toBe("invalid_token");
    expect((await call("GET", "/v1/me", { token: devices[1]!.accessToken })).status).toBe(200);
    expect(await settledCount(next, 500)).toBe(1);
  });
});
