/**
 * The account's language (issue 19 item 5): given at sign-up, changed with
 * PATCH /v1/me, refused when unsupported, and every mail written in it — the
 * verification link sent before the account is fully there, and the
 * new-sign-in notice with an Intl date in that language. Arabic mails are
 * right to left.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mailTime } from "../src/email/templates";
import { call, newDevice, register, registration, signIn, signedIn } from "./client";
import { inbox, latest } from "./mail";

const verified = (id: string) => env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(id).run();

describe("the account's language", () => {
  it("is en when sign-up names none, and is shown and exported", async () => {
    const s = await signedIn();
    expect((await call("GET", "/v1/me", { token: s.token })).body.account.language).toBe("en");
    const exported = await call("GET", "/v1/me/export", { token: s.token });
    expect(exported.body.account.language).toBe("en");
  });

  it("refuses an unsupported tag with a clear 400, and stores nothing", async () => {
    for (const language of ["xx", "pt_BR", "DE", "en-US", 7]) {
      const res = await call("POST", "/v1/accounts", { body: registration({ language }) });
      expect(res.status, String(language)).toBe(400);
      expect(JSON.stringify(res.body)).toContain("must be one of en, ar, de");
    }
    const s = await signedIn();
    const patched = await call("PATCH", "/v1/me", { token: s.token, body: { language: "klingon" } });
    expect(patched.status).toBe(400);
    expect((await call("GET", "/v1/me", { token: s.token })).body.account.language).toBe("en");
  });

  it("changes with PATCH /v1/me, and the next mail follows it", async () => {
    const s = await signedIn();
    const patched = await call("PATCH", "/v1/me", { token: s.token, body: { language: "fr" } });
    expect(patched.status).toBe(200);
    expect(patched.body.account.language).toBe("fr");
    await verified(s.user.id);
    // A second device needs a plan with room for it.
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(s.user.id).run();
    expect((await signIn(s.user, newDevice("firefox", "Firefox au bureau"))).status).toBe(200);
    const notice = await latest(s.user.email, "Nouvelle connexion");
    expect(notice.text).toContain("Appareil\u00a0: Firefox au bureau (firefox)");
  });
});

describe("mails in the account's language", () => {
  it("a German sign-up gets its verification link and its new-sign-in notice in German, with a German date", async () => {
    const user = await register({ language: "de" });
    const [verification] = await inbox(user.email, 1);
    expect(verification!.subject).toBe("Bestätigen Sie Ihre E-Mail-Adresse für Cargo VPN");
    expect(verification!.text).toContain("Öffnen Sie diesen Link");
    expect(verification!.html).toContain('<html lang="de" dir="ltr">');
    await verified(user.id);
    const signedInNow = await signIn(user, newDevice("chrome", "Chrome im Büro"));
    const notice = await latest(user.email, "Neue Anmeldung");
    const at = Date.parse(signedInNow.body.device.registeredAt);
    const time = mailTime(at, "de");
    expect(time).toMatch(/^(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. \S+ \d{4} um \d{2}:\d{2} UTC$/);
    expect(notice.text).toContain(`Gerät: Chrome im Büro (chrome)\nZeit: ${time}`);
    expect(notice.text).toContain("unter „Konto“ im Cargo-VPN-Popup");
    expect(notice.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(notice.html).toContain('lang="de"');
  });

  it("an Arabic account's mails are right to left, with lang on the html element", async () => {
    const user = await register({ language: "ar" });
    const [verification] = await inbox(user.email, 1);
    expect(verification!.subject).toBe("أكّد عنوان بريدك الإلكتروني في Cargo VPN");
    expect(verification!.html).toContain('<html lang="ar" dir="rtl">');
    // The link itself stays left to right inside the right-to-left text.
    expect(verification!.html).toMatch(/<p dir="ltr"><a href="http/);
    await verified(user.id);
    await signIn(user, newDevice("firefox", "Firefox"));
    const notice = await latest(user.email, "تسجيل دخول جديد");
    expect(notice.html).toContain('dir="rtl"');
    expect(notice.text).toContain("الوقت: ");
  });
});
