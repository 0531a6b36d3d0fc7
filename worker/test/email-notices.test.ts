/**
 * Notices and account email settings: new device (off with
 * notifyNewDevice:false), password changed, email changed (to the old
 * address), plan changed (the billing entry point); resending the
 * verification link and its limits; changing the address with PATCH /v1/me.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findById } from "../src/accounts/accounts";
import { appContext } from "../src/context";
import { database } from "../src/db/client";
import { sendPlanChangedNotice } from "../src/email/mailer";
import { mailTime } from "../src/email/templates";
import { call, signIn, newDevice, register, signedIn } from "./client";
import { catcher, inbox, latest, linkToken, settledCount } from "./mail";

describe("new-device notice", () => {
  it("tells the account about a device taking a new slot: kind, label, time, never an address", async () => {
    const user = await register();
    await inbox(user.email, 1); // the verification link
    // Notices go to verified addresses only (email-attacker-labels.test.ts).
    await env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(user.id).run();
    const device = newDevice("firefox", "Firefox on the kitchen PC");
    const firstSignIn = await signIn(user, device, { "cf-connecting-ip": "203.0.113.77" });
    expect(firstSignIn.status).toBe(200);
    const notice = await latest(user.email, "New sign-in");
    expect(notice.text).toContain("Device: Firefox on the kitchen PC (firefox)");
    // A time people read, not an ISO stamp; and the switch is named where it is (the popup, not "settings").
    expect(notice.text).toContain(`Time: ${mailTime(Date.parse(firstSignIn.body.device.registeredAt))}`);
    expect(notice.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(notice.text).toContain("under Account in the Cargo VPN popup");
    expect(notice.text).not.toContain("extension's settings");
    expect(notice.text + notice.html).not.toContain("203.0.113.77");
    // Signing in again from the same device is no new device.
    expect((await signIn(user, device)).status).toBe(200);
    expect(await settledCount(user.email)).toBe(2);
  });

  it("escapes the device label in the HTML part and carries no remote resources", async () => {
    const user = await register();
    await env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(user.id).run();
    await signIn(user, newDevice("chrome", `<img src="https://tracker.example/p.gif">`));
    const notice = await latest(user.email, "New sign-in");
    expect(notice.html).not.toContain("<img");
    expect(notice.html).toContain("&#60;img");
    for (const message of await catcher().inbox(user.email)) {
      expect(message.html).not.toMatch(/<img|<link|<script|<iframe|src="|url\(/i);
      const links = [...message.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
      for (const link of links) expect(link!.startsWith(env.PUBLIC_BASE_URL!)).toBe(true);
    }
  });

  it("is not sent with notifyNewDevice: false", async () => {
    const s = await signedIn();
    // Turning them off needs the password again (device-secret.test.ts).
    const patched = await call("PATCH", "/v1/me", { token: s.token, body: { notifyNewDevice: false, authKey: s.user.cred.authKey } });
    expect(patched.status).toBe(200);
    expect(patched.body.account.notifyNewDevice).toBe(false);
    expect((await call("GET", "/v1/me", { token: s.token })).body.account.notifyNewDevice).toBe(false);
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(s.user.id).run();
    const before = (await inbox(s.user.email, 1)).length; // the verification link (an unverified address gets no sign-in notice)
    expect((await signIn(s.user, newDevice("edge", "Edge at work"))).status).toBe(200);
    expect(await settledCount(s.user.email)).toBe(before);
    expect((await catcher().inbox(s.user.email)).some((m) => m.text.includes("Edge at work"))).toBe(false);
  });
});

describe("PATCH /v1/me", () => {
  it("keeps telemetryOptIn working and needs at least one field", async () => {
    const s = await signedIn();
    const res = await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ telemetryOptIn: true, notifyNewDevice: true });
    for (const body of [{}, { email: "new@example.com" }, { authKey: s.user.cred.authKey }, { notifyNewDevice: "no" }, { plan: "team" }]) {
      const bad = await call("PATCH", "/v1/me", { token: s.token, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.code).toBe("validation_failed");
    }
  });

  it("moves the account to a new address once it confirms: a link to it, notices to the old one", async () => {
    const s = await signedIn();
    const verifyOld = linkToken(await latest(s.user.email, "Confirm your email"));
    await call("POST", "/v1/email/verify", { body: { token: verifyOld } });
    const next = `moved-${crypto.randomUUID()}@example.com`;
    const res = await call("PATCH", "/v1/me", { token: s.token, body: { email: ` ${next.toUpperCase()} `, authKey: s.user.cred.authKey } });
    expect(res.status).toBe(200);
    // Pending until the new address confirms (email-change-undo.test.ts).
    expect(res.body.account).toMatchObject({ email: s.user.email, emailVerified: true });

    const asked = await latest(s.user.email, "email address is about to change");
    expect(asked.text).not.toContain(next);
    const link = await latest(next, "Confirm your email");
    expect((await call("POST", "/v1/email/verify", { body: { token: linkToken(link) } })).status).toBe(200);
    expect((await call("GET", "/v1/me", { token: s.token })).body.account).toMatchObject({ email: next, emailVerified: true });
    const notice = await latest(s.user.email, "email address of your Cargo VPN account was changed");
    expect(notice.text).not.toContain(next);
    // The old address is free, and reset links go to the new one only.
    expect((await register({ email: s.user.email })).id).not.toBe(s.user.id);
  });

  it("a wrong authKey is 401 and a taken address 409: nothing changes, nothing is sent", async () => {
    const s = await signedIn();
    const other = await register();
    const before = (await inbox(s.user.email, 1)).length;
    const wrong = await call("PATCH", "/v1/me", {
      token: s.token,
      body: { email: "someone-new@example.com", authKey: s.user.cred.wrongAuthKey, telemetryOptIn: true },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_credentials");
    const taken = await call("PATCH", "/v1/me", {
      token: s.token,
      body: { email: other.email, authKey: s.user.cred.authKey, telemetryOptIn: true },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe("email_taken");
    expect((await call("GET", "/v1/me", { token: s.token })).body.account).toMatchObject({ email: s.user.email, telemetryOptIn: false });
    expect(await settledCount(s.user.email)).toBe(before);
    expect((await catcher().inbox("someone-new@example.com")).length).toBe(0);
  });

  it("a verification link sent to an earlier address does not verify the current one", async () => {
    const s = await signedIn();
    const oldLink = linkToken(await latest(s.user.email, "Confirm your email"));
    const next = `later-${crypto.randomUUID()}@example.com`;
    await call("PATCH", "/v1/me", { token: s.token, body: { email: next, authKey: s.user.cred.authKey } });
    const confirmation = await latest(next, "Confirm your email");
    expect((await call("POST", "/v1/email/verify", { body: { token: linkToken(confirmation) } })).status).toBe(200);
    const res = await call("POST", "/v1/email/verify", { body: { token: oldLink } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_token");
    expect((await call("GET", "/v1/me", { token: s.token })).body.account).toMatchObject({ email: next, emailVerified: true });
  });
});

describe("POST /v1/me/email/verification", () => {
  it("resends the link at most once a minute and five times a day, with Retry-After", async () => {
    const s = await signedIn();
    await inbox(s.user.email, 1);
    const first = await call("POST", "/v1/me/email/verification", { token: s.token });
    expect(first.status).toBe(202);
    const fresh = (await inbox(s.user.email, 2)).filter((m) => m.subject.includes("Confirm your email")).at(-1)!;
    const second = await call("POST", "/v1/me/email/verification", { token: s.token });
    expect(second.status).toBe(429);
    expect(second.body.code).toBe("rate_limited");
    const retryAfter = Number(second.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Only the newest link works.
    const original = (await catcher().inbox(s.user.email)).find((m) => m.subject.includes("Confirm your email"));
    expect((await call("POST", "/v1/email/verify", { body: { token: linkToken(original!) } })).body.code).toBe("invalid_token");
    expect((await call("POST", "/v1/email/verify", { body: { token: linkToken(fresh) } })).status).toBe(200);
    expect((await call("POST", "/v1/me/email/verification")).status).toBe(401);
  });

  it("concurrent resends never get past the limit", async () => {
    const s = await signedIn();
    const answers = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/v1/me/email/verification", { token: s.token })));
    expect(answers.filter((a) => a.status === 202).length).toBeLessThanOrEqual(1);
    expect(answers.every((a) => a.status === 202 || (a.status === 429 && a.headers.get("retry-after")))).toBe(true);
  });

  it("five a day: the sixth in a day is refused even a minute apart", async () => {
    const s = await signedIn();
    const object = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`resend:${s.user.id}`));
    // Four earlier resends today, each in its own minute (the minute window is spent and closed).
    await object.recordFailure([{ key: "day", max: 5 }], Date.now() - 10 * 60_000, 24 * 3600_000);
    for (let i = 0; i < 3; i++) await object.recordFailure([{ key: "day", max: 5 }], Date.now() - (9 - i) * 60_000, 24 * 3600_000);
    expect((await call("POST", "/v1/me/email/verification", { token: s.token })).status).toBe(202);
    await object.recordFailure([{ key: "minute", max: 1 }], Date.now() - 120_000, 60_000);
    const sixth = await call("POST", "/v1/me/email/verification", { token: s.token });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(23 * 3600);
  });
});

describe("plan-changed notice (for billing)", () => {
  it("sendPlanChangedNotice mails the plan's name and device limit to the account's address", async () => {
    const user = await register();
    const account = await findById(database(env), user.id);
    await sendPlanChangedNotice(appContext(env), account!, "team");
    const notice = await latest(user.email, "plan is now Team");
    expect(notice.text).toContain("up to 10 devices");
  });
});
