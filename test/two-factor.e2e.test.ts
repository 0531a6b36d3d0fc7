/**
 * Issue 18 through the popup in real Chromium against the real local stack:
 * turning two-factor sign-in on (the test reads the key the popup shows and
 * computes codes from it, as an authenticator app would; the QR code is
 * drawn in the popup), signing out and in with password then code; a reused
 * code refused; a recovery code signing in once, then spent; the notices in
 * the mail folder; and the privacy policy page with its contacts filled from
 * the API's configuration.
 */
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { waitForMail } from "@cargo-vpn/testkit/mail";
import { confirmEmailFromMail, openView, signIn, signOut as signOutFromAccount, signUp } from "@cargo-vpn/testkit/popup-flows";
import { useStackInChromium } from "./harness/local-stack.ts";

const USER = { username: `totp-${Date.now().toString(36)}`, password: "correct horse battery staple" };
const EMAIL = `${USER.username}@example.org`;
const PERIOD_MS = 30_000;

const env = useStackInChromium("two-factor-popup");

/**
 * An authenticator app for one secret that never offers a step the API has
 * already accepted: the code of the current or the next step (both accepted
 * for at least 30 s from now), later than the last one used.
 */
function authenticator(secret: string) {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  let lastStep = Number.NEGATIVE_INFINITY;
  let lastCode = "";
  return {
    async freshCode(): Promise<string> {
      for (;;) {
        const now = Math.floor(Date.now() / PERIOD_MS);
        const step = Math.max(now, lastStep + 1);
        if (step <= now + 1) {
          lastStep = step;
          lastCode = totp.generate({ timestamp: step * PERIOD_MS });
          return lastCode;
        }
        await new Promise((r) => setTimeout(r, PERIOD_MS - (Date.now() % PERIOD_MS) + 50));
      }
    },
    lastCode: () => lastCode,
  };
}

async function signOut(popup: Page): Promise<void> {
  await signOutFromAccount(popup);
  await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 15_000 });
}

async function passwordStep(popup: Page): Promise<void> {
  await signIn(popup, USER);
  await popup.getByRole("heading", { name: "Two-factor sign-in" }).waitFor({ timeout: 30_000 });
}

describe("two-factor sign-in in the popup", () => {
  it("enrol with the shown key, sign in with password then code, reused code refused, recovery code once", async () => {
    const popup = await env.browser.openPopup();
    await signUp(popup, USER);
    // Notices go to verified addresses only.
    await confirmEmailFromMail(env.browser.context, env.stack, EMAIL);
    await openView(popup, "Account");
    const section = popup.getByRole("region", { name: "Two-factor sign-in" });
    await section.getByText("Off: your password alone signs in.").waitFor({ timeout: 20_000 });

    await section.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    await section.getByLabel("Password").fill(USER.password);
    await section.getByRole("button", { name: "Continue" }).click();
    const key = section.locator("code.totp-secret");
    await key.waitFor({ timeout: 30_000 });
    const secret = ((await key.textContent()) ?? "").replace(/\s+/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code is drawn in the popup from the otpauth URI: an image with modules in it.
    const qr = section.getByRole("img", { name: "QR code of the key for your authenticator app" });
    expect(((await qr.locator("path").getAttribute("d")) ?? "").length).toBeGreaterThan(1000);

    const app = authenticator(secret);
    const first = await app.freshCode();
    // A wrong first code changes nothing (one in a million, "000000" is a valid one: then "111111" is not).
    await section.getByLabel("Code", { exact: true }).fill(first === "000000" ? "111111" : "000000");
    await section.getByRole("button", { name: "Turn on" }).click();
    await section.getByText("That code is wrong, expired or already used").waitFor({ timeout: 20_000 });
    await section.getByLabel("Code", { exact: true }).fill(first);
    await section.getByRole("button", { name: "Turn on" }).click();
    await section.getByRole("heading", { name: "Your recovery codes" }).waitFor({ timeout: 20_000 });
    const recoveryCodes = await section.getByRole("list", { name: "Your recovery codes" }).locator("li").allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await section.getByRole("button", { name: "I saved them" }).click();
    await section.getByText("On. Recovery codes left: 10.").waitFor({ timeout: 20_000 });
    await waitForMail(env.stack, { to: EMAIL, subject: "Two-factor sign-in is on" });

    // Password, then a code.
    await signOut(popup);
    await passwordStep(popup);
    await popup.getByLabel("Code", { exact: true }).fill(await app.freshCode());
    await popup.getByRole("button", { name: "Verify" }).click();
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });

    // The same code again, on a new sign-in: refused, and the screen stays for the next one.
    await signOut(popup);
    await passwordStep(popup);
    await popup.getByLabel("Code", { exact: true }).fill(app.lastCode());
    await popup.getByRole("button", { name: "Verify" }).click();
    await popup.getByText("That code is wrong, expired or already used").waitFor({ timeout: 20_000 });

    // A recovery code instead: it signs in once.
    await popup.getByRole("button", { name: "Use a recovery code instead" }).click();
    await popup.getByLabel("Recovery code").fill(recoveryCodes[0]!);
    await popup.getByRole("button", { name: "Verify" }).click();
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });
    await openView(popup, "Account");
    await popup.getByRole("region", { name: "Two-factor sign-in" }).getByText("On. Recovery codes left: 9.").waitFor({ timeout: 20_000 });
    const notice = await waitForMail(env.stack, { to: EMAIL, subject: "A recovery code was used" });
    expect(notice.text).toContain("Recovery codes left: 9");

    await signOut(popup);
    await passwordStep(popup);
    await popup.getByRole("button", { name: "Use a recovery code instead" }).click();
    await popup.getByLabel("Recovery code").fill(recoveryCodes[0]!);
    await popup.getByRole("button", { name: "Verify" }).click();
    await popup.getByText("That code is wrong, expired or already used").waitFor({ timeout: 20_000 });
    await popup.getByLabel("Recovery code").fill(recoveryCodes[1]!);
    await popup.getByRole("button", { name: "Verify" }).click();
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });
  }, 240_000);

  it("shows the privacy policy with the configured contacts, naming Cargo VPN and never Eltima", async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`chrome-extension://${env.browser.extensionId}/privacy.html`);
    await page.locator("#policy[data-contacts=filled]").waitFor({ timeout: 20_000 });
    const text = (await page.locator("#policy").textContent()) ?? "";
    expect(text).toContain("contacting us at privacy@cargo-vpn.localhost clearly indicating");
    expect(text).toContain("by emailing us at abuse@cargo-vpn.localhost.");
    expect(text).not.toMatch(/eltima|\{privacyEmail\}|\{abuseEmail\}/i);
    await page.close();
  });
});
