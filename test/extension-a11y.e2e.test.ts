/**
 * Issue 19, items 9, 4, 5 and 6, in real Chromium against the real stack:
 * axe-core 4.x (WCAG 2.2 A/AA rules) finds nothing on every popup view — sign
 * in, create account (with its errors shown), forgot password, device limit,
 * the rate-limit countdown, Status (off and on), Usage, Devices, Account — and
 * the options page and the worker's account pages (the mails' links), in the
 * light and the dark theme; the sign-in rate limit
 * shows the API's real wait and counts it down with the button disabled; the
 * popup in German and Arabic says so in `lang`/`dir` and nothing in it needs
 * sideways scrolling at 380 px.
 *
 * With CARGO_POPUP_SHOTS=<folder> it also saves 380×600 screenshots there.
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { authKeyFor, request } from "@cargo-vpn/testkit/api-client";
import { axeViolations } from "@cargo-vpn/testkit/axe";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { connect, openView, signIn, signOut, signUp } from "@cargo-vpn/testkit/popup-flows";

const SHOTS = process.env.CARGO_POPUP_SHOTS;
const USER = { username: `a11y-${Date.now().toString(36)}`, password: "correct horse battery staple" };
let state: string;
let extension: string;
let stack: Stack;
const browsers: Browser[] = [];
const profiles: string[] = [];

async function browserIn(lang: string): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), `cargo-a11y-${lang}-`));
  profiles.push(profile);
  const browser = await launchBrowser(profile, extension, [`--lang=${lang}`]);
  browsers.push(browser);
  return browser;
}

async function popupAt380(browser: Browser): Promise<Page> {
  const popup = await browser.openPopup();
  await popup.setViewportSize({ width: 380, height: 600 });
  return popup;
}

/** axe in the light and the dark theme; `what` names the view in the failure message. */
async function noViolations(page: Page, what: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${what}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

async function shot(page: Page, name: string, colorScheme: "light" | "dark" = "light"): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.emulateMedia({ colorScheme });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  await page.emulateMedia({ colorScheme: "light" });
}

const noSidewaysScroll = (page: Page) => page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1");

/**
 * Overflow, stricter than scrolling: the popup root's content fits its box, and no
 * rendered element's box reaches past the viewport's sides (a clipped label or a
 * long German word would). Visually-hidden text (1 px, clipped) is not drawn.
 */
const overflowing = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const root = document.getElementById("app");
    const out = [];
    if (root.scrollWidth > root.clientWidth) out.push("#app scrollWidth " + root.scrollWidth + " > clientWidth " + root.clientWidth);
    for (const el of root.querySelectorAll("*")) {
      if (el.closest(".visually-hidden") || el.getClientRects().length === 0) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.left < -0.5 || box.right > window.innerWidth + 0.5) {
        out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + el.className + ": " + Math.round(box.left) + "–" + Math.round(box.right));
      }
    }
    return out;
  })()`);

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-a11y-e2e-"));
  stack = await startStack({ persistTo: state });
  extension = buildExtension(stack.apiUrl, join(state, "extension"));
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await stack?.stop();
  for (const dir of [state, ...profiles]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the popup and the options page, for everyone", () => {
  it("axe finds nothing on any view, light and dark; focus lands on each new view's heading", async () => {
    const browser = await browserIn("en-US");
    const popup = await popupAt380(browser);
    await noViolations(popup, "sign in");
    await popup.getByRole("button", { name: "Sign in" }).click();
    await popup.getByText("Enter your username.").waitFor();
    await noViolations(popup, "sign in, with its errors");

    await popup.getByRole("button", { name: "Forgot password?" }).click();
    expect(await popup.evaluate("document.activeElement?.textContent")).toBe("Reset your password");
    await noViolations(popup, "forgot password");
    await popup.getByRole("button", { name: "Back" }).click();

    await popup.getByRole("button", { name: "Create an account" }).click();
    expect(await popup.evaluate("document.activeElement?.textContent")).toBe("Create account");
    await noViolations(popup, "create account");
    await popup.getByRole("button", { name: "Create account" }).click();
    await popup.getByText("Enter a valid email address.").waitFor();
    await noViolations(popup, "create account, with its errors");
    await popup.getByRole("button", { name: "I already have an account" }).click();

    await signUp(popup, USER);
    await popup.locator("#main-heading:focus").waitFor({ timeout: 20_000 });
    await noViolations(popup, "status, off");
    await shot(popup, "main-off");
    await connect(popup);
    await popup.locator("#connected-for").waitFor();
    await noViolations(popup, "status, on");
    // The location picker open, a row highlighted by the arrow key (nothing chosen by it).
    await popup.locator("#location").focus();
    await popup.keyboard.press("ArrowDown");
    await popup.locator("#location-list:not([hidden])").waitFor();
    await noViolations(popup, "location picker, open");
    await shot(popup, "location-picker-connected");
    await popup.keyboard.press("Escape");
    await shot(popup, "main");
    await shot(popup, "dark", "dark");
    const statusHeight = await popup.evaluate("document.documentElement.scrollHeight");
    expect(statusHeight, "the Status view fits the popup").toBeLessThanOrEqual(600);

    for (const view of ["Sites", "Usage", "Devices", "Account"] as const) {
      await openView(popup, view);
      await noViolations(popup, view);
      expect(await popup.evaluate("document.documentElement.scrollHeight"), `${view} fits 600 px`).toBeLessThanOrEqual(600);
      expect(await overflowing(popup), `${view} at 380 px`).toEqual([]);
      await shot(popup, view.toLowerCase());
      // Reflow: at 320 px and at 200 % zoom (a 760 px window at zoom 2) nothing needs sideways scrolling.
      await popup.setViewportSize({ width: 320, height: 600 });
      expect(await noSidewaysScroll(popup), `${view} at 320 px`).toBe(true);
      await popup.setViewportSize({ width: 760, height: 600 });
      await popup.evaluate("document.body.style.zoom = '2'");
      expect(await noSidewaysScroll(popup), `${view} at 200 %`).toBe(true);
      await popup.evaluate("document.body.style.zoom = ''");
      await popup.setViewportSize({ width: 380, height: 600 });
    }
    await openView(popup, "Status");
    await popup.getByRole("switch", { name: "VPN" }).click();
    await popup.getByText(/^Not connected/).waitFor({ timeout: 15_000 });

    const options = await browser.openOptions();
    await noViolations(options, "options");
    await options.close();

    // The pages the account's mails link to (the worker's), same rules, both themes.
    const page = await browser.context.newPage();
    for (const path of ["verify-email", "reset-password", "delete-account"]) {
      await page.goto(`${stack.apiUrl}/account/${path}`);
      await noViolations(page, `account page ${path}`);
    }
    await page.close();

    // The device-limit screen: another install holds the only slot.
    await signOut(popup);
    // Sign-out ends the session and the tunnel first: with three suites on two cores that took over 15 s once.
    await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 45_000 });
    await request(stack.apiUrl, "POST /v1/auth/login", {
      body: {
        username: USER.username,
        authKey: await authKeyFor(stack.apiUrl, USER.username, USER.password),
        device: { id: crypto.randomUUID(), kind: "firefox", label: "Firefox on Windows" },
      },
    });
    await signIn(popup, USER);
    await popup.getByRole("heading", { name: "Device limit reached" }).waitFor({ timeout: 20_000 });
    // A safe place first: the heading, never the destructive "free this slot".
    expect(await popup.evaluate("document.activeElement?.id")).toBe("limit-heading");
    await noViolations(popup, "device limit");
    await popup.getByRole("button", { name: "Free the slot of Firefox on Windows and sign in" }).click();
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 20_000 });
    await signOut(popup);
    await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 15_000 });

    // Wrong passwords until the API says wait: the popup says how long, counts down, and holds the button.
    const submit = popup.getByRole("button", { name: "Sign in", exact: true });
    for (let attempt = 0; attempt < 8; attempt++) {
      await popup.getByLabel("Username").fill(USER.username);
      await popup.getByLabel("Password").fill(`wrong password ${attempt}`);
      await submit.click();
      const said = popup.locator("form .alert");
      await expect.poll(() => said.textContent(), { timeout: 20_000 }).toMatch(/Wrong username or password|Try again in/);
      if (/Try again in/.test((await said.textContent()) ?? "")) break;
      // A wrong password puts the focus back on the password field.
      expect(await popup.evaluate("document.activeElement?.id")).toBe("signin-password");
    }
    const wait = popup.locator("form .alert");
    expect(await wait.textContent()).toMatch(/^Too many attempts\. Try again in 1[45] minutes\.$/);
    expect(await submit.isDisabled()).toBe(true);
    await noViolations(popup, "rate limit countdown");
    await shot(popup, "error-countdown");
  }, 300_000);

  it("German and Arabic: lang and dir of the language shown, plurals and numbers of it, no sideways scrolling at 380 px", async () => {
    for (const [lang, dir, heading] of [
      ["de", "ltr", "Anmelden"],
      ["ar", "rtl", "تسجيل الدخول"],
    ] as const) {
      const browser = await browserIn(lang);
      const popup = await popupAt380(browser);
      expect(await popup.evaluate("[document.documentElement.lang, document.documentElement.dir]")).toEqual([lang, dir]);
      await popup.getByRole("heading", { name: heading }).waitFor();
      await noViolations(popup, `sign in, ${lang}`);
      // Labels are in the language shown: the form is filled by field id.
      await popup.locator("main.auth > button.link").last().click();
      const username = `a11y-${lang}-${Date.now().toString(36)}`;
      await popup.locator("#signup-username").fill(username);
      await popup.locator("#signup-email").fill(`${username}@example.org`);
      await popup.locator("#signup-password").fill(USER.password);
      await popup.locator("#signup-confirm").fill(USER.password);
      await popup.locator("#signup-age").check();
      await popup.locator('form button[type="submit"]').click();
      await popup.locator("#main-heading").waitFor({ timeout: 30_000 });
      await popup.locator('#location[data-location-id]:not([data-location-id=""])').waitFor({ timeout: 15_000 });
      expect(await noSidewaysScroll(popup), `${lang} at 380 px`).toBe(true);
      expect(await overflowing(popup), `${lang} status at 380 px`).toEqual([]);
      await shot(popup, lang);
      await noViolations(popup, `status, ${lang}`);
      // Every view in that language, as drawn at 380 px (the picker open on Status).
      await popup.locator("#location").focus();
      await popup.keyboard.press("ArrowDown");
      await popup.locator("#location-list:not([hidden])").waitFor();
      expect(await overflowing(popup), `${lang} location picker at 380 px`).toEqual([]);
      await popup.keyboard.press("Escape");
      for (const [index, view] of ["usage", "devices", "account"].entries()) {
        await popup
          .locator("nav button")
          .nth(index + 1)
          .click();
        expect(await overflowing(popup), `${lang} ${view} at 380 px`).toEqual([]);
        if (view === "usage") await shot(popup, `${lang}-usage`);
      }
      await popup.locator("nav button").last().click();
      expect(await noSidewaysScroll(popup), `${lang} account at 380 px`).toBe(true);
      await noViolations(popup, `account, ${lang}`);
    }
  }, 300_000);
});
