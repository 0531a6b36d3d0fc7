/**
 * Passkeys through the popup, end to end (issue 18 item 3), in real Chromium
 * with the real extension against the local stack as `npm start` configures
 * it (its pages on http://localhost, no PUBLIC_BASE_URL override): the
 * popup's own "Add a passkey" opens the account page in a tab, which makes a
 * passkey with a CDP virtual authenticator; after signing out and in with
 * the password, the popup's "Use a passkey" opens the sign-in page, and the
 * popup is closed at once, as Chrome closes it when a tab opens. The tab uses
 * the passkey; the background alone finishes the sign-in (its own storage
 * says so before any popup is open again); the reopened popup shows the
 * signed-in screen; the account export downloads with the username opened
 * in the popup from its sealed copy; and the tunnel connects and carries a
 * page.
 */
import {
  confirmEmailFromMail,
  connect,
  openView,
  routeLoopbackThroughTunnel,
  signIn,
  signOut,
  signUp,
} from "@cargo-vpn/testkit/popup-flows";
import { waitForMail } from "@cargo-vpn/testkit/mail";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useStackInChromium } from "./harness/local-stack.ts";
import { startPageOrigin } from "@cargo-vpn/testkit/origin";
import { virtualAuthenticator } from "@cargo-vpn/testkit/virtual-authenticator";

const USER = { username: `pk-${Date.now().toString(36)}`, password: "correct horse battery staple" };
const EMAIL = `${USER.username}@example.org`;

const env = useStackInChromium("passkeys-popup", { allowLoopback: true });

/** The tab the extension opens next, at this account page. */
async function nextTab(path: string): Promise<Page> {
  const page = await env.browser.context.waitForEvent("page", {
    predicate: (p) => new URL(p.url()).pathname === path,
    timeout: 30_000,
  });
  await page.waitForLoadState("domcontentloaded");
  return page;
}

/** What the background keeps about the passkey step, read in the service worker itself (no popup open). */
async function backgroundPasskeyState(): Promise<unknown> {
  const worker = env.browser.context.serviceWorkers()[0] ?? (await env.browser.context.waitForEvent("serviceworker"));
  return worker.evaluate(async () => {
    const store = (globalThis as unknown as { chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } } })
      .chrome.storage.session;
    return ((await store.get("passkeySignIn")).passkeySignIn as { state?: string } | undefined)?.state ?? "none";
  });
}

describe("passkeys through the popup", () => {
  it("Add a passkey → tab registers it → sign out → password → Use a passkey → popup closed → background signs in → tunnel", async () => {
    const origin = await startPageOrigin();
    try {
      // npm start's configuration: the pages (and so the relying party) are on localhost, the API on 127.0.0.1.
      expect(new URL(env.stack.pagesUrl).hostname).toBe("localhost");
      expect(new URL(env.stack.pagesUrl).port).toBe(new URL(env.stack.apiUrl).port);

      let popup = await env.browser.openPopup();
      await signUp(popup, USER);
      await confirmEmailFromMail(env.browser.context, env.stack, EMAIL);
      await openView(popup, "Account");
      const section = popup.getByRole("region", { name: "Passkeys" });
      await section.getByText("No passkey yet.", { exact: false }).waitFor({ timeout: 20_000 });
      const registerTab = nextTab("/account/passkeys");
      await section.getByRole("button", { name: "Add a passkey" }).click();
      const register = await registerTab;
      expect(register.url().startsWith(`${env.stack.pagesUrl}/account/passkeys`)).toBe(true);
      const registered = await virtualAuthenticator(register);
      await register.getByLabel("Name for this passkey (optional)").fill("Laptop");
      await register.getByRole("button", { name: "Create a passkey" }).click();
      await register.getByText("Your passkey is registered.").waitFor({ timeout: 30_000 });
      const credentials = await registered();
      expect(credentials).toHaveLength(1);
      expect(credentials[0]!.rpId).toBe("localhost");
      await register.close();
      await waitForMail(env.stack, { to: EMAIL, subject: "A passkey was added" });
      // Back in the popup, the section lists it.
      await popup.reload();
      await popup.locator("#app[data-ready]").waitFor({ timeout: 20_000 });
      await openView(popup, "Account");
      await popup.getByRole("region", { name: "Passkeys" }).getByText("Laptop").waitFor({ timeout: 20_000 });

      await signOut(popup);
      await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 15_000 });
      await signIn(popup, USER);
      await popup.getByRole("heading", { name: "Two-factor sign-in" }).waitFor({ timeout: 30_000 });
      const signInTab = nextTab("/account/passkey-sign-in");
      await popup.getByRole("button", { name: "Use a passkey" }).click();
      const tab = await signInTab;
      // Chrome closes the popup when the tab opens: nothing in the popup may be needed from here on.
      await popup.close();
      expect(await backgroundPasskeyState()).toBe("waiting");

      // The same passkey in this tab: Chromium's virtual authenticators live per tab.
      const used = await virtualAuthenticator(tab, credentials);
      await tab.getByRole("button", { name: "Use my passkey" }).click();
      await tab.getByText("Done: the extension is finishing your sign-in.").waitFor({ timeout: 30_000 });
      expect((await used())[0]!.signCount).toBeGreaterThan(credentials[0]!.signCount);
      // The background finishes it alone, with no popup open.
      await expect.poll(backgroundPasskeyState, { timeout: 30_000 }).toBe("done");
      await tab.close();

      popup = await env.browser.openPopup();
      await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });
      await openView(popup, "Account");
      await popup.getByText(`Signed in as ${USER.username}`, { exact: false }).waitFor({ timeout: 20_000 });

      // The export, with the username opened in the popup: the API holds only the sealed copy.
      await popup.getByRole("button", { name: "Your data" }).click();
      const data = popup.getByRole("region", { name: "Your data" });
      await data.getByLabel("Password for your data").fill("not the password at all");
      await data.getByRole("button", { name: "Download my data" }).click();
      await data.getByText("The current password is wrong.").waitFor({ timeout: 30_000 });
      await data.getByLabel("Password for your data").fill(USER.password);
      const downloading = popup.waitForEvent("download", { timeout: 30_000 });
      await data.getByRole("button", { name: "Download my data" }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/^cargo-vpn-export-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = JSON.parse(await readFile((await download.path())!, "utf8"));
      expect(exported.account).toMatchObject({ username: USER.username, email: EMAIL });
      expect(exported.account).not.toHaveProperty("usernameSealed");
      expect(exported.devices.length).toBeGreaterThan(0);
      await data.getByText(`Your username: ${USER.username}`).waitFor({ timeout: 20_000 });
      await openView(popup, "Status");
      await routeLoopbackThroughTunnel(env.browser);
      await connect(popup);
      const page = await env.browser.context.newPage();
      const before = origin.requests;
      const answer = await page.goto(`${origin.url}/page/2000`);
      expect(answer?.status()).toBe(200);
      expect(origin.requests).toBeGreaterThan(before);
      await page.close();
      await popup.close();
    } finally {
      await origin.close();
    }
  }, 240_000);
});
