/**
 * Issue 19 items 5 and 9, the account pages' side, through the extension in
 * a German Chromium (--lang=de) against the real local stack and its mail
 * folder: a sign-up in the German popup gets its verification mail in
 * German (subject, body, lang="de" on the HTML part); its link opens a German
 * page even in a tab asking for English (the account's language decides, not
 * the browser's), which confirms the address in German; a German reset page
 * names the real Retry-After wait in German and holds its button; an Arabic
 * browser gets the Arabic page, right to left. axe-core finds nothing
 * (WCAG 2.2 A/AA) on the German and Arabic pages, light and dark.
 *
 * With CARGO_POPUP_SHOTS=<folder> it also saves screenshots of them there (380 px wide).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { request } from "@cargo-vpn/testkit/api-client";
import { axeViolations } from "@cargo-vpn/testkit/axe";
import { linkIn, waitForMail } from "@cargo-vpn/testkit/mail";
import { useStackInChromium } from "./harness/local-stack.ts";

const env = useStackInChromium("pages-language", {}, ["--lang=de"]);
const USERNAME = `seiten-${Date.now().toString(36)}`;
const EMAIL = `${USERNAME}@example.org`;
const PASSWORD = "correct horse battery staple";

const rootLangDir = (page: Page) => page.evaluate<[string, string]>("[document.documentElement.lang, document.documentElement.dir]");
const noSidewaysScroll = (page: Page) => page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1");

async function noViolations(page: Page, what: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${what}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const SHOTS = process.env.CARGO_POPUP_SHOTS;

async function shot(page: Page, name: string, colorScheme: "light" | "dark" = "light"): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 380, height: 600 });
  await page.emulateMedia({ colorScheme });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  await page.emulateMedia({ colorScheme: "light" });
}

/** A tab whose requests ask for `acceptLanguage`, whatever the browser's own language. */
async function tabAsking(acceptLanguage: string): Promise<Page> {
  const page = await env.browser.context.newPage();
  await page.setExtraHTTPHeaders({ "accept-language": acceptLanguage });
  return page;
}

describe("the account pages in the account's language", () => {
  it("a German sign-up in the popup: German mail, German page, German errors and waits", async () => {
    const popup = await env.browser.openPopup();
    expect(await rootLangDir(popup)).toEqual(["de", "ltr"]);
    await popup.getByRole("heading", { name: "Anmelden" }).waitFor();
    // The popup's labels are German: the form is filled by field id.
    await popup.locator("main.auth > button.link").last().click();
    await popup.locator("#signup-username").fill(USERNAME);
    await popup.locator("#signup-email").fill(EMAIL);
    await popup.locator("#signup-password").fill(PASSWORD);
    await popup.locator("#signup-confirm").fill(PASSWORD);
    await popup.locator("#signup-age").check();
    await popup.locator('form button[type="submit"]').click();
    await popup.locator("#main-heading").waitFor({ timeout: 30_000 });

    const mail = await waitForMail(env.stack, { to: EMAIL, subject: "Bestätigen Sie Ihre E-Mail-Adresse" }, 30_000);
    expect(mail.subject).toBe("Bestätigen Sie Ihre E-Mail-Adresse für Cargo VPN");
    expect(mail.text).toContain("Öffnen Sie diesen Link, um zu bestätigen, dass diese Adresse zu Ihrem Cargo-VPN-Konto gehört:");
    expect(mail.text).toContain("Der Link funktioniert einmal und ist 24 Stunden gültig.");
    expect(mail.html).toContain('<html lang="de" dir="ltr">');
    const link = linkIn(mail);
    expect(link).toMatch(/\/account\/verify-email\?lang=de#token=[A-Za-z0-9_-]{43}$/);

    // A tab that asks for English still gets the account's German.
    const page = await tabAsking("en-US,en;q=0.9");
    await page.goto(link);
    expect(await rootLangDir(page)).toEqual(["de", "ltr"]);
    expect(await page.title()).toBe("Bestätigen Sie Ihre E-Mail-Adresse · Cargo VPN");
    await page.getByRole("heading", { level: 1, name: "Bestätigen Sie Ihre E-Mail-Adresse" }).waitFor();
    await noViolations(page, "verify-email, de");
    await page.getByRole("button", { name: "Meine E-Mail-Adresse bestätigen" }).click();
    await expect
      .poll(() => page.getByRole("status").textContent(), { timeout: 20_000 })
      .toBe("Ihre E-Mail-Adresse ist bestätigt. Sie können diese Seite schließen.");
    await noViolations(page, "verify-email, de, confirmed");
    await shot(page, "account-page-de-confirmed");
    // The link again: refused, in German.
    const again = await tabAsking("en");
    await again.goto(link);
    await again.getByRole("button", { name: "Meine E-Mail-Adresse bestätigen" }).click();
    await expect.poll(() => again.getByRole("alert").textContent(), { timeout: 20_000 }).toContain("Dieser Link ist nicht mehr gültig");
    await again.close();

    // Password reset: wrong usernames until the API says wait; the page names the wait in German and holds the button.
    await request(env.stack.apiUrl, "POST /v1/auth/password-reset", { body: { email: EMAIL } });
    const reset = await waitForMail(env.stack, { to: EMAIL, subject: "Neues Passwort für Cargo VPN festlegen" }, 30_000);
    expect(reset.html).toContain('<html lang="de" dir="ltr">');
    await page.goto(linkIn(reset));
    await page.getByRole("heading", { level: 1, name: "Neues Passwort festlegen" }).waitFor();
    expect(await page.locator("#password-hint").textContent()).toBe("Mindestens 10 Zeichen. Am besten ist ein langer Satz.");
    await page.getByLabel("Ihr Benutzername").fill("jemand-anderes");
    // The shared rule counts code points: five keys are 10 UTF-16 units but 5 characters, too short, said in German.
    await page.getByLabel("Neues Passwort", { exact: true }).fill("🔑🔑🔑🔑🔑");
    await page.getByLabel("Neues Passwort wiederholen").fill("🔑🔑🔑🔑🔑");
    await page.getByRole("button", { name: "Neues Passwort festlegen" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wählen Sie ein Passwort mit mindestens 10 Zeichen.");
    expect(await page.getByLabel("Neues Passwort", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Neues Passwort", { exact: true }).fill("ein neues langes Passwort");
    await page.getByLabel("Neues Passwort wiederholen").fill("ein neues langes Passwort");
    const submit = page.getByRole("button", { name: "Neues Passwort festlegen" });
    const alert = page.getByRole("alert");
    let said = "";
    for (let attempt = 0; attempt < 8 && !said.startsWith("Zu viele Versuche"); attempt++) {
      await submit.click();
      // Each try derives the keys in the page first (a few seconds on a busy machine).
      await expect
        .poll(async () => (await alert.count()) > 0 && (await alert.textContent()), { timeout: 60_000 })
        .toMatch(/^(Das ist nicht|Zu viele)/);
      said = (await alert.textContent()) ?? "";
      if (said.startsWith("Das ist nicht")) {
        expect(said).toBe("Das ist nicht der Benutzername dieses Kontos. Geben Sie den Namen ein, mit dem Sie sich anmelden.");
      }
    }
    expect(said).toMatch(/^Zu viele Versuche\. Versuchen Sie es in \d+ Minuten erneut\.$/);
    expect(await submit.isDisabled()).toBe(true);
    await noViolations(page, "reset-password, de, rate limited");
    await shot(page, "account-page-de-rate-limited");
    await page.close();
  }, 300_000);

  it("an Arabic browser gets the Arabic page, right to left, with its errors in Arabic", async () => {
    const page = await tabAsking("ar-EG,ar;q=0.9");
    for (const path of ["verify-email", "reset-password", "delete-account", "undo-email-change", "passkeys"]) {
      await page.goto(`${env.stack.pagesUrl}/account/${path}`);
      expect(await rootLangDir(page), path).toEqual(["ar", "rtl"]);
      // Opened without the link's token: the page says so, in Arabic.
      await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 20_000 }).toMatch(/^(تحتاج هذه الصفحة|افتح هذه الصفحة)/);
      expect(await noSidewaysScroll(page), path).toBe(true);
      await noViolations(page, `${path}, ar`);
    }
    await page.goto(`${env.stack.pagesUrl}/account/reset-password`);
    await page.getByRole("heading", { level: 1, name: "اختر كلمة مرور جديدة" }).waitFor();
    // Right to left: the heading's text starts at the right edge of the column.
    const [textLeft, textRight, mainLeft, mainRight] = await page.evaluate<[number, number, number, number]>(`(() => {
      const text = document.createRange();
      text.selectNodeContents(document.querySelector("h1"));
      const t = text.getBoundingClientRect(), m = document.querySelector("main").getBoundingClientRect();
      return [t.left, t.right, m.left, m.right];
    })()`);
    expect(Math.abs(textRight - mainRight)).toBeLessThan(2);
    expect(textLeft - mainLeft).toBeGreaterThan(20);
    await shot(page, "account-page-ar");
    await shot(page, "account-page-ar-dark", "dark");
    await page.close();
  }, 120_000);
});
