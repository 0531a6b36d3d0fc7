/** What a person does in the extension's pages, by role and label, shared by the Chromium end-to-end tests. */
import type { Page } from "playwright-core";
import type { Browser } from "./chromium.ts";

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
  await popup.getByText(/^Connected to Local gateway/).waitFor({ timeout: 30_000 });
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
