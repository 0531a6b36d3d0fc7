/**
 * Issue 19, item 2, in real Chromium against the real stack and two real
 * gateways: the popup times each location's `GET /ping` and shows it per row;
 * a second gateway started here behind an 80 ms slow link (so it sorts first
 * by name and ties on load with the local one) is measured as far, and
 * "Fastest" is the local gateway — by measurement, not by order or load —
 * and, with no saved choice after a fresh sign-in, the one chosen.
 * In Chromium (MV3) and in Firefox ESR (MV2), against the same two gateways.
 *
 * With CARGO_POPUP_SHOTS=<folder> it also saves the open picker (380×600).
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningGateway, silentLogger, startGateway } from "@cargo-vpn/gateway";
import { registerGateway, startStack, type Stack } from "@cargo-vpn/stack";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { DOM_HELPERS, type Firefox, launchFirefox } from "@cargo-vpn/testkit/firefox";
import { buildFirefoxExtension, signUp as signUpInFirefox } from "@cargo-vpn/testkit/firefox-flows";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { signUp } from "@cargo-vpn/testkit/popup-flows";
import { type SlowLink, startSlowLink } from "@cargo-vpn/testkit/slow-link";

const SHOTS = process.env.CARGO_POPUP_SHOTS;
const DELAY_MS = 80;
let state: string;
let profile: string;
let stack: Stack;
let far: RunningGateway;
let link: SlowLink;
let browser: Browser;
let firefox: Firefox | undefined;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-latency-e2e-"));
  profile = await mkdtemp(join(tmpdir(), "cargo-latency-profile-"));
  stack = await startStack({ persistTo: state });
  // The far location: a real gateway, registered at the slow link's port ("Berlin" sorts before "Local gateway").
  const farPort = await freePort();
  link = await startSlowLink(farPort, DELAY_MS);
  const identity = await registerGateway({ persistTo: state }, link.port, "Berlin");
  far = await startGateway({
    apiUrl: stack.apiUrl,
    gatewayId: identity.id,
    gatewaySecret: identity.secret,
    host: "127.0.0.1",
    port: farPort,
    logger: silentLogger,
  });
  await far.heartbeat();
  browser = await launchBrowser(profile, buildExtension(stack.apiUrl, join(state, "extension")));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await firefox?.close();
  await far?.close();
  await link?.close();
  await stack?.stop();
  for (const dir of [state, profile]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the location picker's measured latency", () => {
  it("shows each gateway's round trip, and Fastest is the nearer one", async () => {
    const popup = await browser.openPopup();
    await popup.setViewportSize({ width: 380, height: 600 });
    await signUp(popup, { username: `latency-${Date.now().toString(36)}`, password: "correct horse battery staple" });
    await popup.locator("#location").focus();
    await popup.keyboard.press("ArrowDown");
    const row = (group: string, name: string) =>
      popup.locator(`#location-group-${group}`).locator("..").locator('[role="option"]', { hasText: name });
    const ms = async (name: string) => {
      const text = (await row("all", name).textContent()) ?? "";
      return Number(/— (\d+) ms · /.exec(text)?.[1] ?? Number.NaN);
    };
    await expect.poll(async () => [await ms("Local gateway"), await ms("Berlin")].every(Number.isFinite), { timeout: 20_000 }).toBe(true);
    const [near, distant] = [await ms("Local gateway"), await ms("Berlin")];
    expect(distant).toBeGreaterThanOrEqual(DELAY_MS);
    expect(near).toBeLessThan(distant);
    expect(await row("fastest", "Local gateway").count()).toBe(1);
    expect(await row("fastest", "Berlin").count()).toBe(0);
    // A fresh sign-in has no saved choice: Fastest is the one chosen (not Berlin, first by name and tied on load).
    await popup.keyboard.press("Escape");
    await expect.poll(() => popup.locator("#location").inputValue(), { timeout: 20_000 }).toMatch(/^Local gateway /);
    // Both gateways were asked (counted, not logged).
    expect(stack.gateway.metrics().pingsAnswered).toBeGreaterThanOrEqual(3);
    expect(far.metrics().pingsAnswered).toBeGreaterThanOrEqual(3);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await popup.screenshot({ path: join(SHOTS, "location-picker.png") });
      await popup.emulateMedia({ colorScheme: "dark" });
      await popup.screenshot({ path: join(SHOTS, "location-picker-dark.png") });
    }
  }, 180_000);

  it("the same in Firefox: a measured round trip per row, and Fastest is the nearer one", async () => {
    firefox = await launchFirefox(buildFirefoxExtension(stack.apiUrl, join(state, "extension-firefox")));
    const popup = await signUpInFirefox(firefox, {
      username: `latency-ff-${Date.now().toString(36)}`,
      password: "correct horse battery staple",
    });
    await firefox.run(
      popup,
      `const input = document.getElementById("location"); input.focus();
       input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true })); return true;`,
    );
    // Each row's figure, by group and name: NaN until measured.
    const figures = `${DOM_HELPERS}
      const ms = (group, name) => {
        const option = [...(document.getElementById("location-group-" + group)?.parentElement?.querySelectorAll('[role="option"]') ?? [])]
          .find((o) => o.textContent.startsWith(name));
        return Number(/— (\\d+) ms · /.exec(option?.textContent ?? "")?.[1] ?? NaN);
      };`;
    await firefox.waitFor(
      popup,
      `${figures} return Number.isFinite(ms("all", "Local gateway")) && Number.isFinite(ms("all", "Berlin"));`,
      30_000,
    );
    const [near, distant, fastestNear, fastestFar] = await firefox.run<number[]>(
      popup,
      `${figures} return [ms("all", "Local gateway"), ms("all", "Berlin"), ms("fastest", "Local gateway"), ms("fastest", "Berlin")];`,
    );
    expect(distant).toBeGreaterThanOrEqual(DELAY_MS);
    expect(near).toBeLessThan(distant!);
    expect(fastestNear).toBe(near);
    expect(fastestFar).toBeNull();
    // Nothing chosen yet after a fresh sign-in: Fastest is.
    await firefox.run(
      popup,
      `document.getElementById("location").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true })); return true;`,
    );
    await firefox.waitFor(popup, `return document.getElementById("location").value.startsWith("Local gateway ");`, 20_000);
  }, 180_000);
});
