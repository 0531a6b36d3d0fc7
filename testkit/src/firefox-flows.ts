/**
 * What a person does in the extension's pages in Firefox ESR, by label and
 * role (DOM_HELPERS), shared by the Firefox end-to-end tests: build the MV2
 * extension against a stack, route loopback through the tunnel, sign up,
 * switch on and off, and read the state in words.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { DOM_HELPERS, type Firefox } from "./firefox.ts";
import { EXTENSION_DIR } from "./repo.ts";

/** Builds the Firefox MV2 extension with `apiUrl` as its API; returns the unpacked folder. */
export function buildFirefoxExtension(apiUrl: string, outDir: string): string {
  const extension = EXTENSION_DIR;
  execFileSync(join(extension, "node_modules/.bin/wxt"), ["build", "-b", "firefox"], {
    cwd: extension,
    env: { ...process.env, WXT_API_URL: apiUrl, CARGO_EXT_OUT_DIR: outDir },
    stdio: "pipe",
  });
  return join(outDir, "firefox-mv2");
}

/** Firefox never proxies localhost unless told to; the loopback test site needs it (like Chrome's <-loopback>). */
export const LOOPBACK_PREFS = { "network.proxy.allow_hijacking_localhost": true };

export async function routeLoopbackThroughTunnel(firefox: Firefox): Promise<void> {
  const options = await firefox.openExtensionPage("options.html");
  await firefox.waitFor(options, `${DOM_HELPERS} return !!byLabel("Addresses that bypass the VPN");`);
  await firefox.run(
    options,
    `${DOM_HELPERS} fill("Addresses that bypass the VPN", "<-loopback>"); button("Save settings").click(); return true;`,
  );
  await firefox.waitFor(options, `return document.body.textContent.includes("Settings saved.");`);
}

/** Signs up in a popup tab and waits for the switch with one location; returns the popup's context. */
export async function signUp(firefox: Firefox, user: { username: string; password: string }): Promise<string> {
  const popup = await firefox.openExtensionPage("popup.html");
  await firefox.waitFor(popup, `${DOM_HELPERS} return !!button("Create an account");`);
  await firefox.run(popup, `${DOM_HELPERS} button("Create an account").click(); return true;`);
  await firefox.run(
    popup,
    `${DOM_HELPERS}
     fill("Username", args[0]); fill("Email", args[0] + "@example.org");
     fill("Password", args[1]); fill("Confirm password", args[1]);
     byLabel("I am 13 years of age or older").checked = true;
     button("Create account").click(); return true;`,
    user.username,
    user.password,
  );
  await firefox.waitFor(
    popup,
    `${DOM_HELPERS} return !!switchNamed("VPN") && !!document.getElementById("location")?.dataset.locationId;`,
    30_000,
  );
  return popup;
}

export const clickSwitch = (firefox: Firefox, popup: string) =>
  firefox.run(popup, `${DOM_HELPERS} switchNamed("VPN").click(); return true;`);

export const switchIsOn = (firefox: Firefox, popup: string) =>
  firefox.run<boolean>(popup, `${DOM_HELPERS} return switchNamed("VPN")?.getAttribute("aria-checked") === "true";`);

/** Waits for the state in words to match `pattern` (a RegExp source); a timeout names the state last shown. */
export async function waitForState(firefox: Firefox, popup: string, pattern: string, timeoutMs = 30_000): Promise<void> {
  try {
    await firefox.waitFor(
      popup,
      `return new RegExp(args[0]).test(document.getElementById("connection-state")?.textContent ?? "");`,
      timeoutMs,
      pattern,
    );
  } catch (error) {
    const shown = await firefox
      .run<string>(
        popup,
        `return document.getElementById("connection-state")?.textContent ?? "no state; page: " + document.body.innerText.slice(0, 300);`,
      )
      .catch(() => "(popup unreadable)");
    throw new Error(`state never matched /${pattern}/ in ${timeoutMs} ms; the popup shows: ${JSON.stringify(shown)}`, { cause: error });
  }
}
