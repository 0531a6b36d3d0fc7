/**
 * The same flow in Firefox ESR (Debian's firefox-esr), the MV2 build
 * installed as a temporary add-on and driven over WebDriver BiDi, against the
 * real local stack: sign up in the popup, connect, load a page through the
 * real gateway (its 407 answered by the extension), disconnect and see
 * traffic go direct. Through the gateway and direct are told apart by byte
 * accounting, as in the Chromium test.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOM_HELPERS, FIREFOX, type Firefox, launchFirefox } from "@cargo-vpn/testkit/firefox";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { ROOT } from "@cargo-vpn/stack/wrangler";
import { type Origin, startPageOrigin } from "@cargo-vpn/testkit/origin";
import { reportedBytes } from "./harness/reported-bytes.ts";

let state: string;
let stack: Stack;
let site: Origin;
let firefox: Firefox;

beforeAll(async () => {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox ESR not found at ${FIREFOX} (apt-get install firefox-esr)`);
  state = await mkdtemp(join(tmpdir(), "cargo-ff-e2e-"));
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500 });
  site = await startPageOrigin();
  const extension = join(ROOT, "extension");
  execFileSync(join(extension, "node_modules/.bin/wxt"), ["build", "-b", "firefox"], {
    cwd: extension,
    env: { ...process.env, WXT_API_URL: stack.apiUrl, CARGO_EXT_OUT_DIR: join(state, "extension") },
    stdio: "pipe",
  });
  // Firefox never proxies localhost unless told to; the loopback test site needs it (like Chrome's <-loopback>).
  firefox = await launchFirefox(join(state, "extension/firefox-mv2"), { "network.proxy.allow_hijacking_localhost": true });
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
  await stack?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

async function traffic(action: () => Promise<unknown>) {
  await site.idle();
  await stack.gateway.flush();
  const before = { site: site.sent, gateway: reportedBytes(state).down };
  await action();
  await site.idle();
  await stack.gateway.flush();
  return { site: site.sent - before.site, gateway: reportedBytes(state).down - before.gateway };
}

describe("Firefox ESR with the real stack", () => {
  it("sign up, connect, a page through the gateway with the 407 answered, disconnect goes direct", async () => {
    const options = await firefox.openExtensionPage("options.html");
    await firefox.waitFor(options, `${DOM_HELPERS} return !!byLabel("API base URL");`);
    expect(await firefox.run(options, `${DOM_HELPERS} return byLabel("API base URL").value;`)).toBe(stack.apiUrl);
    await firefox.run(
      options,
      `${DOM_HELPERS} fill("Addresses that bypass the VPN", "<-loopback>"); button("Save settings").click(); return true;`,
    );
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
    await firefox.waitFor(
      popup,
      `${DOM_HELPERS} return !!switchNamed("VPN") && !!document.getElementById("location")?.dataset.locationId;`,
      30_000,
    );
    await firefox.run(popup, `${DOM_HELPERS} switchNamed("VPN").click(); return true;`);
    await firefox.waitFor(
      popup,
      `return /^Connected to Local gateway/.test(document.getElementById("connection-state")?.textContent ?? "");`,
      30_000,
    );

    const tab = await firefox.newTab();
    const through = await traffic(async () => {
      await firefox.navigate(tab, `${site.url}/page/40000?firefox`);
      expect(await firefox.run(tab, `return document.querySelector("h1")?.textContent;`)).toBe("hello from the origin");
    });
    expect(through.site).toBeGreaterThan(40_000);
    expect(through.gateway).toBe(through.site);

    await firefox.run(popup, `${DOM_HELPERS} switchNamed("VPN").click(); return true;`);
    await firefox.waitFor(popup, `return /^Not connected/.test(document.getElementById("connection-state")?.textContent ?? "");`, 20_000);
    const direct = await traffic(() => firefox.navigate(tab, `${site.url}/page/20000?firefox-direct`));
    expect(direct.site).toBeGreaterThan(20_000);
    expect(direct.gateway).toBe(0);
  });
});
