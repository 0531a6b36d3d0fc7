/**
 * Passkeys as a second factor (issue 18 item 3) in real Chromium against the
 * real local stack, with a CDP virtual authenticator (WebAuthn.enable +
 * WebAuthn.addVirtualAuthenticator on the page's CDP session): a passkey is
 * registered on /account/passkeys from a one-time ticket, then, after
 * signing out, a password sign-in answers second_factor_required with
 * `passkey`, /account/passkey-sign-in uses the passkey, and only the API
 * client polling POST /v1/auth/second-factor gets the tokens. The pages are
 * served from http://localhost:<port>, PUBLIC_BASE_URL's host, since
 * WebAuthn refuses an IP address as relying party.
 */
import { api, authKeyFor, signUpAndIn } from "@cargo-vpn/testkit/api-client";
import { CHROMIUM } from "@cargo-vpn/testkit/chromium";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { linkIn, waitForMail } from "@cargo-vpn/testkit/mail";
import { type VirtualCredential, virtualAuthenticator } from "@cargo-vpn/testkit/virtual-authenticator";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useLocalStack } from "./harness/local-stack.ts";

const port = await freePort();
const PAGES = `http://localhost:${port}`;
const env = useLocalStack({ workerPort: port, vars: { PUBLIC_BASE_URL: PAGES } });

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
});
afterAll(async () => {
  await browser?.close();
});

/** A page with a virtual platform authenticator that says yes by itself (user present and verified). */
async function pageWithAuthenticator(): Promise<{ page: Page; credentials: () => Promise<VirtualCredential[]> }> {
  const page = await browser.newPage();
  return { page, credentials: await virtualAuthenticator(page) };
}

describe("passkeys in Chromium with a virtual authenticator", () => {
  it("registers a passkey on the account page, then signs in with password then passkey", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const { page, credentials } = await pageWithAuthenticator();
    // Notices go to verified addresses only: confirm it as the owner would.
    await page.goto(linkIn(await waitForMail(env.stack, { to: user.email, subject: "Confirm your email address" })));
    await page.getByRole("button", { name: "Confirm my email address" }).click();
    await page.getByText("Your email address is confirmed").waitFor({ timeout: 20_000 });

    const ticket = await api(env.stack.apiUrl, "POST", "/v1/me/passkey-tickets", { token: user.accessToken });
    expect(ticket.status).toBe(200);
    expect(ticket.body.url.startsWith(`${PAGES}/account/passkeys?lang=en#ticket=`)).toBe(true);
    await page.goto(ticket.body.url);
    await page.getByLabel("Name for this passkey (optional)").fill("Laptop");
    await page.getByRole("button", { name: "Create a passkey" }).click();
    await page.getByText("Your passkey is registered.").waitFor({ timeout: 20_000 });
    expect(await credentials()).toHaveLength(1);
    const listed = await api(env.stack.apiUrl, "GET", "/v1/me/passkeys", { token: user.accessToken });
    expect(listed.body.passkeys).toEqual([expect.objectContaining({ label: "Laptop", lastUsedAt: null })]);
    await waitForMail(env.stack, { to: user.email, subject: "A passkey was added" });

    // The same link again (a fresh load, not a fragment change of the open page): the ticket was spent.
    await page.goto("about:blank");
    await page.goto(ticket.body.url);
    await page.getByRole("button", { name: "Create a passkey" }).click();
    await page.getByText("This passkey link has expired or was already used.").waitFor({ timeout: 20_000 });

    expect((await api(env.stack.apiUrl, "POST", "/v1/auth/logout", { token: user.accessToken })).status).toBe(204);
    const device = { id: crypto.randomUUID(), kind: "api", label: "e2e script" };
    const first = await api(env.stack.apiUrl, "POST", "/v1/auth/login", {
      body: { username: user.username, authKey: await authKeyFor(env.stack.apiUrl, user.username, user.password), device },
    });
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ code: "second_factor_required", methods: ["passkey"] });
    const challenge = first.body.challenge as string;
    const poll = () => api(env.stack.apiUrl, "POST", "/v1/auth/second-factor", { body: { challenge, passkey: true } });
    expect((await poll()).body.code).toBe("second_factor_pending");

    expect(first.body.passkeyUrl).toBe(`${PAGES}/account/passkey-sign-in?lang=en#challenge=${challenge}`);
    await page.goto(first.body.passkeyUrl);
    await page.getByRole("button", { name: "Use my passkey" }).click();
    await page.getByText("Done: the extension is finishing your sign-in.").waitFor({ timeout: 20_000 });
    expect((await credentials())[0]!.signCount).toBeGreaterThan(0);

    const done = await poll();
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.device.id).toBe(device.id);
    expect((await api(env.stack.apiUrl, "GET", "/v1/me", { token: done.body.accessToken })).status).toBe(200);
    // Used once: the page cannot use the same sign-in step again.
    expect((await poll()).body.code).toBe("invalid_challenge");
    await page.close();
  });
});
