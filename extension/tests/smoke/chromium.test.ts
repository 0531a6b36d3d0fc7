/**
 * Real Chromium (Debian's /usr/bin/chromium) with the unpacked MV3 build,
 * driven by playwright-core by role and label, against a local fake stack
 * (tests/support/fake-stack.ts): the API routes of API.md in memory, a
 * forwarding proxy that answers 407 like the gateway, and an origin.
 *
 * Proves in a real browser: the extension loads and its service worker
 * starts; the popup renders and is usable by role/label; sign-up → connect →
 * a page loads through the "gateway" with the 407 answered by the extension
 * (no dialog) → live bytes in the popup → the service worker is stopped and a
 * fresh 407 is still answered (cold start, from storage.session) with nothing
 * sent direct → disconnect sends traffic direct again → sign out.
 *
 * Also measures the popup bundle and time to interactive (written to
 * .output/metrics/popup.json and printed).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStack } from "../support/fake-stack";

const ROOT = join(__dirname, "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let stack: Awaited<ReturnType<typeof startFakeStack>>;
let outDir: string;
let profile: string;
let context: BrowserContext;
let extensionId: string;

function build(apiUrl: string, dir: string): string {
  execFileSync(join(ROOT, "node_modules/.bin/wxt"), ["build"], {
    cwd: ROOT,
    env: { ...process.env, WXT_API_URL: apiUrl, CARGO_EXT_OUT_DIR: dir },
    stdio: "pipe",
  });
  return join(dir, "chrome-mv3");
}

async function launch(extensionDir: string): Promise<void> {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 30_000 }));
  extensionId = new URL(worker.url()).host;
}

/** The extension's service worker (started on demand when it was stopped). */
function worker() {
  const found = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
  if (!found) throw new Error("extension service worker not running");
  return found;
}

const popupUrl = () => `chrome-extension://${extensionId}/popup.html`;

async function openPopup(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(popupUrl());
  await page.locator("#app[data-ready]").waitFor({ timeout: 20_000 });
  return page;
}

/** Each flow starts signed out, so one failing test does not take the next ones down with it. */
async function ensureSignedOut(): Promise<void> {
  const popup = await openPopup();
  const signOut = popup.getByRole("button", { name: "Sign out" });
  if (await signOut.isVisible()) {
    await signOut.click();
    await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
  }
  await popup.close();
}

function bundleSize(extensionDir: string) {
  const html = readFileSync(join(extensionDir, "popup.html"), "utf8");
  const assets = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const files = assets.map((path) => {
    const bytes = readFileSync(join(extensionDir, path));
    return { path, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return {
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    totalGzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`).toBe(true);
  stack = await startFakeStack();
  outDir = mkdtempSync(join(tmpdir(), "cargo-ext-build-"));
  profile = mkdtempSync(join(tmpdir(), "cargo-ext-profile-"));
  const extensionDir = build(stack.apiUrl, outDir);
  await launch(extensionDir);
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
  for (const dir of [outDir, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("real Chromium, unpacked MV3 build", () => {
  it("loads: the service worker starts and the manifest asks for proxy auth the MV3 way", async () => {
    expect(extensionId).toMatch(/^[a-p]{32}$/);
    const manifest = JSON.parse(readFileSync(join(outDir, "chrome-mv3/manifest.json"), "utf8"));
    expect(manifest.permissions).toEqual(expect.arrayContaining(["proxy", "webRequest", "webRequestAuthProvider", "privacy", "alarms", "storage"]));
  });

  it("popup renders the sign-in form, reachable by role and label; measures size and time to interactive", async () => {
    const samples: number[] = [];
    let page: Page | undefined;
    for (let i = 0; i < 5; i++) {
      page = await context.newPage();
      const started = Date.now();
      await page.goto(popupUrl());
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      const wall = Date.now() - started;
      const mark = await page.evaluate(() => performance.getEntriesByName("cargo-popup-interactive")[0]?.startTime ?? null);
      samples.push(mark ?? wall);
      if (i < 4) await page.close();
    }
    page = page!;
    await expect(page.getByRole("heading", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Username").isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Password").isVisible()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Create an account" }).isVisible()).resolves.toBe(true);

    // Keyboard: Tab from the username reaches the password field.
    await page.getByLabel("Username").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("signin-password");
    await page.close();

    const sorted = [...samples].sort((a, b) => a - b);
    const metrics = { bundle: bundleSize(join(outDir, "chrome-mv3")), timeToInteractiveMs: { samples, median: sorted[2] } };
    mkdirSync(join(ROOT, ".output/metrics"), { recursive: true });
    writeFileSync(join(ROOT, ".output/metrics/popup.json"), JSON.stringify(metrics, null, 2));
    console.log("[popup metrics]", JSON.stringify(metrics));
    expect(metrics.bundle.totalGzip).toBeLessThan(40_000);
  });

  it("full flow: sign up, connect, page through the gateway with 407 answered, live usage, worker restart, disconnect, sign out", async () => {
    // Options page: send loopback through the tunnel so the local origin is proxied.
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.getByLabel("API base URL").waitFor();
    expect(await options.getByLabel("API base URL").inputValue()).toBe(stack.apiUrl);
    expect(await options.getByLabel("Share technical telemetry").isChecked()).toBe(false);
    await options.getByLabel("Addresses that bypass the VPN").fill("<-loopback>");
    await options.getByRole("button", { name: "Save settings" }).click();
    await options.getByText("Settings saved.").waitFor();
    await options.close();

    const popup = await openPopup();
    await popup.getByRole("button", { name: "Create an account" }).click();
    await popup.getByLabel("Username").fill("smoke-user");
    await popup.getByLabel("Email").fill("smoke@example.com");
    await popup.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
    await expect(popup.getByText(/Password strength: (strong|very strong)/).isVisible()).resolves.toBe(true);
    await popup.getByLabel("Confirm password").fill("correct horse battery staple");
    await popup.getByLabel("I am 13 years of age or older").check();
    await popup.getByRole("button", { name: "Create account" }).click();

    const vpn = popup.getByRole("switch", { name: "VPN" });
    await vpn.waitFor({ timeout: 30_000 });
    expect(await vpn.getAttribute("aria-checked")).toBe("false");
    await expect(popup.getByRole("status").filter({ hasText: "Not connected" }).isVisible()).resolves.toBe(true);
    const location = popup.getByLabel("Location");
    await expect.poll(() => location.locator("option").count()).toBe(1);
    expect(await location.inputValue()).toBe("loc-local");

    await vpn.click();
    await popup.getByText(/^Connected to Local/).waitFor({ timeout: 20_000 });
    expect(await vpn.getAttribute("aria-checked")).toBe("true");

    // A page from the origin: through the gateway, the extension answering its 407.
    const before = { ...stack.gateway };
    const page = await context.newPage();
    const response = await page.goto(stack.originUrl);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "hello from the origin" }).isVisible()).resolves.toBe(true);
    expect(stack.gateway.challenges).toBeGreaterThan(before.challenges); // the 407 happened...
    expect(stack.gateway.forwarded).toBeGreaterThan(before.forwarded); // ...and was answered
    expect(stack.origin.viaGateway).toBeGreaterThan(0);
    expect(stack.origin.direct).toBe(0);

    // Browser settings while connected: proxy at the gateway (API host bypassed), WebRTC and prediction locked down.
    const settingsNow = () =>
      worker().evaluate(async () => {
        const c = (globalThis as unknown as { chrome: any }).chrome;
        const [proxy, webrtc, prediction] = await Promise.all([
          c.proxy.settings.get({}),
          c.privacy.network.webRTCIPHandlingPolicy.get({}),
          c.privacy.network.networkPredictionEnabled.get({}),
        ]);
        return { proxy, webrtc, prediction };
      });
    const on = await settingsNow();
    expect(on.proxy.levelOfControl).toBe("controlled_by_this_extension");
    expect(on.proxy.value).toMatchObject({ mode: "fixed_servers", rules: { singleProxy: { scheme: "http", host: "127.0.0.1", port: stack.gatewayPort } } });
    expect(on.proxy.value.rules.bypassList).toEqual(["<-loopback>", `127.0.0.1:${new URL(stack.apiUrl).port}`]);
    expect(on.webrtc).toMatchObject({ value: "disable_non_proxied_udp", levelOfControl: "controlled_by_this_extension" });
    expect(on.prediction).toMatchObject({ value: false, levelOfControl: "controlled_by_this_extension" });

    // Live usage for the current session in the popup.
    const usage = popup.getByRole("region", { name: "Usage" });
    const live = usage.getByRole("definition").nth(1); // Downloaded
    await expect.poll(async () => Number(await live.getAttribute("data-bytes")), { timeout: 10_000 }).toBeGreaterThan(20_000);
    await expect(usage.getByRole("table", { name: "Session history" }).isVisible()).resolves.toBe(true);

    // Stop the MV3 service worker, then make the gateway challenge again: the
    // woken, cold worker must answer from storage.session, with no dialog.
    // The popup polls the background (which would wake the worker at once), so
    // close it; CDP's ServiceWorker domain only sees workers of the page's own
    // origin, so drive it from the (idle) options page.
    await popup.close();
    const idlePage = await context.newPage();
    await idlePage.goto(`chrome-extension://${extensionId}/options.html`);
    await idlePage.getByLabel("API base URL").waitFor();
    const cdp = await context.newCDPSession(idlePage);
    const statuses: string[] = [];
    cdp.on("ServiceWorker.workerVersionUpdated", (event) => {
      for (const version of event.versions) if (version.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) statuses.push(version.runningStatus);
    });
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await expect.poll(() => statuses.at(-1), { timeout: 10_000 }).toBe("stopped");
    await idlePage.close();
    stack.gateway.rejectNextWithCredentials = true;
    const challengesBefore = stack.gateway.challenges;
    const directBefore = stack.origin.direct;
    const again = await page.goto(`${stack.originUrl}?after-restart`);
    expect(again?.status()).toBe(200);
    expect(stack.gateway.challenges).toBeGreaterThan(challengesBefore);
    expect(stack.origin.direct).toBe(directBefore);
    expect(statuses).toContain("running"); // the challenge woke it again

    // The popup still sees the connection (state came back from storage.session).
    const popup2 = await openPopup();
    await popup2.getByText(/^Connected to Local/).waitFor({ timeout: 10_000 });
    expect(await popup2.getByRole("switch", { name: "VPN" }).getAttribute("aria-checked")).toBe("true");

    // Disconnect: traffic goes direct again.
    await popup2.getByRole("switch", { name: "VPN" }).click();
    await popup2.getByText(/^Not connected/).waitFor({ timeout: 10_000 });
    const directBeforeOff = stack.origin.direct;
    const direct = await page.goto(`${stack.originUrl}?after-disconnect`);
    expect(direct?.status()).toBe(200);
    expect(stack.origin.direct).toBe(directBeforeOff + 1);

    const off = await settingsNow();
    expect(off.proxy.levelOfControl).not.toBe("controlled_by_this_extension");
    expect(off.webrtc.levelOfControl).not.toBe("controlled_by_this_extension");
    expect(off.prediction.levelOfControl).not.toBe("controlled_by_this_extension");

    // History shows the ended session with its bytes, and totals.
    await expect.poll(async () => Number(await popup2.locator(".totals").getAttribute("data-bytes-down")), { timeout: 10_000 }).toBeGreaterThan(40_000);

    // Sign out: back to the sign-in form.
    await popup2.getByRole("button", { name: "Sign out" }).click();
    await popup2.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
    expect(stack.api.accounts.get("smoke-user")?.devices).toEqual([]);
    await page.close();
    await popup2.close();
  });

  it("browser restart while connected: traffic is held until the tunnel is back, then flows through the gateway; nothing goes direct", async () => {
    await ensureSignedOut();
    const popup = await openPopup();
    await popup.getByLabel("Username").fill("smoke-user");
    await popup.getByLabel("Password").fill("correct horse battery staple");
    await popup.getByRole("button", { name: "Sign in" }).click();
    const vpn = popup.getByRole("switch", { name: "VPN" });
    await vpn.waitFor({ timeout: 20_000 });
    await vpn.click();
    await popup.getByText(/^Connected to Local/).waitFor({ timeout: 20_000 });
    const sessionsBefore = stack.api.accounts.get("smoke-user")!.sessions.length;

    await context.close();
    const directBefore = stack.origin.direct;
    await launch(join(outDir, "chrome-mv3"));

    // Straight away, before the extension may have reconnected: held or tunnelled, never direct.
    const early = await context.newPage();
    await early.goto(`${stack.originUrl}?right-after-restart`).catch(() => null);
    expect(stack.origin.direct).toBe(directBefore);

    const popup2 = await openPopup();
    await popup2.getByText(/^Connected to Local/).waitFor({ timeout: 30_000 });
    expect(stack.api.accounts.get("smoke-user")!.sessions.length).toBe(sessionsBefore + 1); // a fresh session
    const viaBefore = stack.origin.viaGateway;
    const response = await early.goto(`${stack.originUrl}?after-reconnect`);
    expect(response?.status()).toBe(200);
    expect(stack.origin.viaGateway).toBe(viaBefore + 1);
    expect(stack.origin.direct).toBe(directBefore);

    await popup2.getByRole("button", { name: "Sign out" }).click();
    await popup2.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
    await early.close();
    await popup2.close();
  });

  it("short-lived credentials are renewed by alarm before they expire, and the rotated ones answer the gateway's next 407", async () => {
    await ensureSignedOut();
    stack.api.setCredentialTtl(20_000); // renewal due ~10 s in (expiry minus the safety margin)
    const popup = await openPopup();
    await popup.getByLabel("Username").fill("smoke-user");
    await popup.getByLabel("Password").fill("correct horse battery staple");
    await popup.getByRole("button", { name: "Sign in" }).click();
    const vpn = popup.getByRole("switch", { name: "VPN" });
    await vpn.waitFor({ timeout: 20_000 });
    await vpn.click();
    await popup.getByText(/^Connected to Local/).waitFor({ timeout: 20_000 });
    await popup.close(); // let the worker go idle: the alarm must wake it
    const page = await context.newPage();
    expect((await page.goto(`${stack.originUrl}?fresh`))?.status()).toBe(200);

    const renewals = () => stack.api.calls.filter((c) => /\/renew$/.test(c)).length;
    const before = renewals();
    await expect.poll(renewals, { timeout: 25_000, interval: 500 }).toBeGreaterThan(before);
    // Wait until the first credentials have expired: the browser's cached ones are now refused.
    await new Promise((resolve) => setTimeout(resolve, 21_000));
    const challenges = stack.gateway.challenges;
    expect((await page.goto(`${stack.originUrl}?after-rotation`))?.status()).toBe(200);
    expect(stack.gateway.challenges).toBeGreaterThan(challenges);
    expect(stack.origin.direct).toBe(1); // only the deliberate one after disconnecting earlier
    stack.api.setCredentialTtl(900_000);

    const popup2 = await openPopup();
    await popup2.getByText(/^Connected to Local/).waitFor({ timeout: 10_000 });
    await popup2.getByRole("button", { name: "Sign out" }).click();
    await popup2.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
    await page.close();
    await popup2.close();
  });

  it("device limit: the screen lists the devices holding the slots and frees one to sign in; devices list removes another; telemetry opt-in; delete account", async () => {
    await ensureSignedOut();
    // Both slots (maxDevices 2) held by other installs.
    const record = stack.api.accounts.get("smoke-user")!;
    const stamp = new Date().toISOString();
    record.devices.push(
      { id: "laptop-device-1", kind: "firefox", label: "Firefox on Windows", registeredAt: stamp, lastSeenAt: stamp, current: false },
      { id: "office-device-2", kind: "chrome", label: "Chrome on macOS", registeredAt: stamp, lastSeenAt: stamp, current: false },
    );

    const popup = await openPopup();
    await popup.getByLabel("Username").fill("smoke-user");
    await popup.getByLabel("Password").fill("correct horse battery staple");
    await popup.getByRole("button", { name: "Sign in" }).click();
    await popup.getByRole("heading", { name: "Device limit reached" }).waitFor({ timeout: 20_000 });
    await popup.getByRole("button", { name: "Free the slot of Firefox on Windows and sign in" }).click();
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 10_000 });
    expect(record.devices.map((d) => d.id)).not.toContain("laptop-device-1");

    const devices = popup.getByRole("region", { name: "Devices" });
    await devices.getByRole("button", { name: "Remove Chrome on macOS" }).click();
    await devices.getByText("Device removed.").waitFor();
    expect(record.devices).toHaveLength(1);
    await expect(devices.getByRole("listitem").count()).resolves.toBe(1);

    // Readable at 200% zoom: nothing wider than the popup.
    await popup.setViewportSize({ width: 736, height: 600 });
    await popup.evaluate(() => ((document.body.style as CSSStyleDeclaration & { zoom: string }).zoom = "2"));
    expect(await popup.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await popup.close();

    // Telemetry: opt in from the options page; a connection attempt is then reported.
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.getByLabel("Share technical telemetry").check();
    await options.getByRole("button", { name: "Save settings" }).click();
    await options.getByText("Settings saved.").waitFor();
    expect(record.account.telemetryOptIn).toBe(true);
    const popup2 = await openPopup();
    await popup2.getByRole("switch", { name: "VPN" }).click();
    await popup2.getByText(/^Connected to Local/).waitFor({ timeout: 20_000 });
    await expect.poll(() => record.telemetry.length, { timeout: 10_000 }).toBe(1);
    expect(record.telemetry[0]).toMatchObject({ connectionType: "http-proxy", encryptionType: "none", deviceType: "chrome", outcome: "connected" });
    await popup2.close();

    // Delete account: password re-entered, warning shown, everything gone and signed out.
    await options.reload();
    await expect(options.getByText(/permanently deletes your account/).isVisible()).resolves.toBe(true);
    await options.getByLabel("Password (to confirm deletion)").fill("not my password");
    await options.getByRole("button", { name: "Delete my account permanently" }).click();
    await options.getByText("Wrong username or password.").waitFor({ timeout: 20_000 });
    expect(stack.api.accounts.has("smoke-user")).toBe(true);
    await options.getByLabel("Password (to confirm deletion)").fill("correct horse battery staple");
    await options.getByRole("button", { name: "Delete my account permanently" }).click();
    await options.getByText("Your account and its data have been deleted.").waitFor({ timeout: 20_000 });
    expect(stack.api.accounts.has("smoke-user")).toBe(false);
    await options.close();
    const popup3 = await openPopup();
    await popup3.getByRole("heading", { name: "Sign in" }).waitFor();
    await popup3.close();
  });
});
