/** What a person does in the extension's pages, by role and label, shared by the Chromium end-to-end tests. */
import type { BrowserContext, Page } from "playwright-core";
import type { Browser } from "./chromium.ts";
import { linkIn, type Mailbox, waitForMail } from "./mail.ts";

/** The test site is on loopback, which the extension bypasses by default: send loopback through the tunnel. */
export async function routeLoopbackThroughTunnel(browser: Browser): Promise<void> {
  const options = await browser.openOptions();
  await options.getByLabel("Addresses that bypass the VPN").fill("<-loopback>");
  await options.getByRole("button", { name: "Save settings" }).click();
  await options.getByText("Settings saved.").waitFor();
  await options.close();
}

export async function signUp(popup: Page, user: { username: string; password: string }): Promise<void> {
  await popup.getByRole("button", { name: "Create an account" }).click();
  await popup.getByLabel("Username").fill(user.username);
  await popup.getByLabel("Email").fill(`${user.username}@example.org`);
  await popup.getByLabel("Password", { exact: true }).fill(user.password);
  await popup.getByLabel("Confirm password").fill(user.password);
  await popup.getByLabel("I am 13 years of age or older").check();
  await popup.getByRole("button", { name: "Create account" }).click();
  await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });
}

export async function signIn(popup: Page, user: { username: string; password: string }): Promise<void> {
  await popup.getByLabel("Username").fill(user.username);
  await popup.getByLabel("Password").fill(user.password);
  await popup.getByRole("button", { name: "Sign in" }).click();
}

/** Turns the switch on (if it is off) and waits for the connected state. */
export async function connect(popup: Page): Promise<void> {
  const vpn = popup.getByRole("switch", { name: "VPN" });
  await vpn.waitFor({ timeout: 30_000 });
  if ((await vpn.getAttribute("aria-checked")) !== "true") await vpn.click();
  try {
    await popup.getByText(/^Connected to Local gateway/).waitFor({ timeout: 60_000 });
  } catch (error) {
    // Say what the popup showed instead: a timeout alone cannot tell a refused start from a hung one.
    const shown = await popup
      .locator("body")
      .innerText({ timeout: 2000 })
      .catch(() => "(popup unreadable)");
    throw new Error(`not connected after 60 s; the popup shows: ${shown.replace(/\s+/g, " ").slice(0, 600)}`, { cause: error });
  }
}

/** The signed-in popup's views (Status, Sites, Usage, Devices, Account): shows one, as a person clicks its button. */
export async function openView(popup: Page, view: "Status" | "Sites" | "Usage" | "Devices" | "Account"): Promise<void> {
  await popup.getByRole("navigation", { name: "Sections" }).getByRole("button", { name: view, exact: true }).click();
}

/** Signs out from the Account view. */
export async function signOut(popup: Page): Promise<void> {
  await openView(popup, "Account");
  await popup.getByRole("button", { name: "Sign out" }).click();
}

/**
 * Confirms the address as its owner would: opens the verification link the
 * local inbox got, in a tab of this browser, and confirms it there. Notices
 * (new sign-in, two-factor, passkeys) go to verified addresses only.
 */
export async function confirmEmailFromMail(context: BrowserContext, stack: Mailbox, to: string): Promise<void> {
  const message = await waitForMail(stack, { to, subject: "Confirm your email address" });
  const page = await context.newPage();
  await page.goto(linkIn(message));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await page.getByText("Your email address is confirmed").waitFor({ timeout: 20_000 });
  await page.close();
}
