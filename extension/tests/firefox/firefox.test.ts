/**
 * Firefox ESR (Debian's firefox-esr) with the MV2 build installed as a
 * temporary add-on, driven over raw WebDriver BiDi (tests/support/bidi-firefox.ts)
 * against the same local fake stack as the Chromium smoke test: sign up in
 * the popup, connect, load a page through the "gateway" (its 407 answered by
 * the extension: proxy.onRequest's proxyAuthorizationHeader or
 * webRequest.onAuthRequired), disconnect and see traffic go direct again.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOM_HELPERS, launchFirefox, type Firefox } from "../support/bidi-firefox";
import { startFakeStack } from "../support/fake-stack";

const ROOT = join(__dirname, "../..");
let stack: Awaited<ReturnType<typeof startFakeStack>>;
let firefox: Firefox;
let outDir: string;

beforeAll(async () => {
  stack = await startFakeStack();
  outDir = mkdtempSync(join(tmpdir(), "cargo-ext-ff-build-"));
  execFileSync(join(ROOT, "node_modules/.bin/wxt"), ["build", "-b", "firefox"], {
    cwd: ROOT,
    env: { ...process.env, WXT_API_URL: stack.apiUrl, CARGO_EXT_OUT_DIR: outDir },
    stdio: "pipe",
  });
  // Firefox never proxies localhost unless told to; the local origin needs it (like Chrome's <-loopback>).
  firefox = await launchFirefox(join(outDir, "firefox-mv2"), { "network.proxy.allow_hijacking_localhost": true });
}, 180_000);

afterAll(async () => {
  await firefox?.close();
  await stack?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("Firefox ESR, MV2 build as a temporary add-on", () => {
  it("sign up, connect, page through the gateway with the 407 answered, disconnect goes direct", async () => {
    const options = await firefox.openExtensionPage("options.html");
    await firefox.waitFor(options, `${DOM_HELPERS} return !!byLabel("API base URL");`);
    expect(await firefox.run(options, `${DOM_HELPERS} return byLabel("API base URL").value;`)).toBe(stack.apiUrl);
    await firefox.run(options, `${DOM_HELPERS} fill("Addresses that bypass the VPN", "<-loopback>"); button("Save settings").click(); return true;`);
    await firefox.waitFor(options, `return document.body.textContent.includes("Settings saved.");`);

    const popup = await firefox.openExtensionPage("popup.html");
    await firefox.waitFor(popup, `${DOM_HELPERS} return !!button("Create an account");`);
    await firefox.run(popup, `${DOM_HELPERS} button("Create an account").click(); return true;`);
    await firefox.run(
      popup,
      `${DOM_HELPERS}
       fill("Username", "fox-user"); fill("Email", "fox@example.com");
       fill("Password", "correct horse battery staple"); fill("Confirm password", "correct horse battery staple");
       byLabel("I am 13 years of age or older").checked = true;
       button("Create account").click(); return true;`,
    );
    await firefox.waitFor(popup, `${DOM_HELPERS} return !!switchNamed("VPN") && document.querySelectorAll("#location option").length === 1;`, 30_000);
    await firefox.run(popup, `${DOM_HELPERS} switchNamed("VPN").click(); return true;`);
    await firefox.waitFor(popup, `return /^Connected to Local/.test(document.getElementById("connection-state")?.textContent ?? "");`, 20_000);

    const page = await firefox.newTab();
    const challenges = stack.gateway.challenges;
    await firefox.navigate(page, `${stack.originUrl}?firefox`);
    expect(await firefox.run(page, `return document.querySelector("h1")?.textContent;`)).toBe("hello from the origin");
    expect(stack.origin.viaGateway).toBeGreaterThan(0);
    expect(stack.origin.direct).toBe(0);
    console.log(`[firefox] gateway challenges during the page load: ${stack.gateway.challenges - challenges} (0 = proxyAuthorizationHeader sent up front)`);

    await firefox.run(popup, `${DOM_HELPERS} switchNamed("VPN").click(); return true;`);
    await firefox.waitFor(popup, `return /^Not connected/.test(document.getElementById("connection-state")?.textContent ?? "");`, 20_000);
    await firefox.navigate(page, `${stack.originUrl}?firefox-direct`);
    expect(stack.origin.direct).toBe(1);
  });
});
