/**
 * No attacker-controlled link in a message Cargo VPN signs (issue 20, item 2):
 * an account registered with someone else's never-verified address sends that
 * address nothing but its verification link, however often it signs in, and a
 * verified account's new-device notice shows a label with a link in it
 * defanged in the text part as in the HTML part. Read from the real mail.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newDevice, register, signIn } from "./client";
import { catcher, inbox, latest, settledCount } from "./mail";

const EVIL = "Sign-in blocked. Review: https://evil.example/review";

describe("device labels in mail", () => {
  it("an unverified address gets only its verification link, not 8 new-sign-in notices", async () => {
    const victim = `victim-${crypto.randomUUID()}@example.com`;
    const user = await register({ email: victim });
    await env.DB.prepare("UPDATE accounts SET plan_id = 'team' WHERE id = ?").bind(user.id).run();
    for (let i = 0; i < 8; i++) expect((await signIn(user, newDevice("chrome", EVIL))).status).toBe(200);
    expect(await settledCount(victim)).toBe(1);
    const [only] = await catcher().inbox(victim);
    expect(only!.subject).toContain("Confirm your email");
    expect(only!.text + only!.html).not.toContain("evil");
  });

  it("a verified address's notice shows the label with no live link in either part", async () => {
    const user = await register();
    await inbox(user.email, 1);
    await env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(user.id).run();
    expect((await signIn(user, newDevice("chrome", EVIL))).status).toBe(200);
    const notice = await latest(user.email, "New sign-in");
    expect(notice.text).toContain("Device: Sign-in blocked. Review[:] https[:]//evil[.]example/review (chrome)");
    for (const part of [notice.text, notice.html]) {
      expect(part).not.toContain("https://evil.example");
      expect(part).not.toMatch(/evil\.example/);
      // The only scheme left in the message is our own, if any.
      for (const [url] of part.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi)) expect(url.startsWith(env.PUBLIC_BASE_URL!)).toBe(true);
    }
    expect(notice.html).not.toContain("href");
  });

  it("the notice starts once the address is verified", async () => {
    const user = await register();
    expect((await signIn(user, newDevice("firefox", "Firefox at home"))).status).toBe(200);
    expect(await settledCount(user.email)).toBe(1);
    await env.DB.prepare("UPDATE accounts SET email_verified = 1, plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    expect((await signIn(user, newDevice("firefox", "Firefox at work"))).status).toBe(200);
    expect((await latest(user.email, "New sign-in")).text).toContain("Firefox at work");
  });
});
