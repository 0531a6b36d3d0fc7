/**
 * Buying a plan as a person does, against the real local stack (wrangler dev)
 * and the Stripe stand-in, in real Chromium: the API hands out the hosted
 * Checkout page, the person presses "Pay" there, Stripe's signed webhook
 * makes the account plus (5 device slots) as soon as it is delivered, a
 * second device gets in, and "Cancel subscription" in the hosted portal
 * brings the account back to free.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "@cargo-vpn/testkit/chromium";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { apiClient, authKeyFor, type SignedIn, signUpAndIn } from "@cargo-vpn/testkit/api-client";

let state: string;
let stack: Stack;
let browser: Browser;
const call = apiClient(() => stack.apiUrl);

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-billing-e2e-"));
  stack = await startStack({ persistTo: state });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

async function signInAnotherDevice(user: SignedIn, label: string) {
  return call("POST /v1/auth/login", {
    body: {
      username: user.username,
      authKey: await authKeyFor(stack.apiUrl, user.username, user.password),
      device: { id: crypto.randomUUID(), kind: "chrome", label },
    },
  });
}

describe("buying and cancelling a plan", () => {
  it("Checkout → Pay → plus with 5 slots → second device → portal Cancel → free", async () => {
    const user = await signUpAndIn(stack.apiUrl);
    const me = async () => (await call("GET /v1/me", { token: user.accessToken })).account;
    // Email verification is another flow: mark the address verified directly, as the brief for this test allows.
    executeSql(`UPDATE accounts SET email_verified = 1 WHERE id = '${user.accountId}'`, { persistTo: state });

    await expect(signInAnotherDevice(user, "Before paying")).rejects.toMatchObject({ status: 409, code: "device_limit" });
    const checkout = await call("POST /v1/billing/checkout", { token: user.accessToken, body: { plan: "plus", interval: "month" } });
    expect(checkout.url.startsWith(stack.stripe.url)).toBe(true);

    const page = await browser.newPage();
    await page.goto(checkout.url);
    const paidAt = Date.now();
    await page.getByRole("button", { name: "Pay" }).click();
    await page.getByRole("heading", { name: "Back from Stripe" }).waitFor();
    // One round of webhook deliveries (each signed, answered 2xx) and the plan is in effect.
    await stack.stripe.idle();
    const delivered = stack.stripe.events.filter((e) => e.delivered).map((e) => e.type);
    expect(delivered).toEqual(expect.arrayContaining(["customer.subscription.created", "checkout.session.completed"]));
    const plus = await me();
    console.log(`pay → plus in ${Date.now() - paidAt} ms`);
    expect(plus.plan).toEqual({ id: "plus", name: "Plus", maxDevices: 5 });
    expect(plus.subscription?.status).toBe("active");
    expect((await call("GET /v1/devices", { token: user.accessToken })).maxDevices).toBe(5);

    const second = await signInAnotherDevice(user, "Second device");

    const portal = await call("POST /v1/billing/portal", { token: user.accessToken });
    await page.goto(portal.url);
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await page.getByText("Status: canceled").waitFor();
    await stack.stripe.idle();
    const free = await me();
    expect(free.plan).toEqual({ id: "free", name: "Free", maxDevices: 1 });
    expect(free.subscription?.status).toBe("canceled");
    // Nobody was signed out by going down; a new device is refused until one leaves.
    await call("GET /v1/me", { token: second.accessToken });
    await expect(signInAnotherDevice(user, "Third device")).rejects.toMatchObject({ status: 409, code: "device_limit" });
    await page.close();
  });
});
