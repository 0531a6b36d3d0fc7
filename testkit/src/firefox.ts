/**
 * Just enough WebDriver BiDi to drive stock Firefox ESR with our extension:
 * Playwright's BiDi Firefox channel needs commands ESR does not have yet
 * (emulation.setMediaFeaturesOverride), so this speaks the protocol directly.
 * The extension is installed as a temporary add-on (webExtension.install);
 * its moz-extension:// UUID is pinned through a pref. Content tabs may not
 * navigate to moz-extension:// pages, so extension pages are opened from the
 * browser's chrome window (--remote-allow-system-access), as a user would
 * open the popup or the options page.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";

export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const ADDON_ID = "extension@cargovpn.dev";
export const ADDON_UUID = "6a1d3c2e-0b7f-4c39-9f0e-5d2a8b4e7c11";

export interface Firefox {
  /** The browser's main process (its descendants are the content and socket processes). */
  pid: number;
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  newTab(): Promise<string>;
  navigate(context: string, url: string): Promise<void>;
  /** Runs `body` (a function body) in the page and returns its JSON-able result. */
  run<T>(context: string, body: string, ...args: unknown[]): Promise<T>;
  waitFor(context: string, body: string, timeoutMs?: number, ...args: unknown[]): Promise<void>;
  extensionUrl(path: string): string;
  /** Opens popup.html or options.html in a new tab; resolves to its context once loaded. */
  openExtensionPage(path: string): Promise<string>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /**
   * Keep this profile (created if missing) instead of a throwaway one, for a
   * browser restart. The add-on is then installed permanently (ESR honours
   * xpinstall.signatures.required=false) so it is still there after the restart;
   * `install: false` skips installing it again on the next launch.
   */
  profile?: string;
  install?: boolean;
  /**
   * Accept certificates Firefox cannot verify (WebDriver's acceptInsecureCerts),
   * the HTTPS proxy's and sites' alike: how a test trusts a self-signed gateway
   * without a certificate database in the profile.
   */
  acceptInsecureCerts?: boolean;
}

export async function launchFirefox(
  extensionDir: string,
  prefs: Record<string, string | number | boolean> = {},
  options: LaunchOptions = {},
): Promise<Firefox> {
  const keep = options.profile !== undefined;
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), "cargo-ff-profile-"));
  mkdirSync(profile, { recursive: true });
  const allPrefs: Record<string, string | number | boolean> = {
    "extensions.webextensions.uuids": JSON.stringify({ [ADDON_ID]: ADDON_UUID }),
    "browser.shell.checkDefaultBrowser": false,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": false,
    "toolkit.telemetry.reportingpolicy.firstRun": false,
    "app.update.disabledForTesting": true,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "extensions.getAddons.cache.enabled": false,
    "browser.newtabpage.enabled": false,
    "browser.startup.page": 0,
    ...(keep ? { "xpinstall.signatures.required": false } : {}),
    ...prefs,
  };
  writeFileSync(
    join(profile, "user.js"),
    Object.entries(allPrefs)
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join("\n"),
  );
  const child: ChildProcess = spawn(
    FIREFOX,
    ["--headless", "--remote-debugging-port=0", "--remote-allow-system-access", "-profile", profile, "--no-remote"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const wsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Firefox did not start WebDriver BiDi")), 60_000);
    child.stderr!.on("data", (data: Buffer) => {
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(String(data));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`Firefox exited (${code})`)));
  });
  const ws = new WebSocket(`${wsUrl}/session`);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  let next = 0;
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number };
    if (message.id !== undefined) pending.get(message.id)?.(message as Record<string, unknown>);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++next;
      pending.set(id, (message) => {
        pending.delete(id);
        if (message.type === "error") reject(new Error(`${method}: ${String(message.error)} ${String(message.message)}`));
        else resolve(message.result as Record<string, unknown>);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });

  await send("session.new", { capabilities: options.acceptInsecureCerts ? { alwaysMatch: { acceptInsecureCerts: true } } : {} });
  if (options.install !== false) {
    // Firefox installs only an archive permanently: pack the folder into an .xpi beside the profile.
    const extensionData = keep
      ? { type: "archivePath", path: await packXpi(extensionDir, join(profile, "..", "cargo-vpn.xpi")) }
      : { type: "path", path: extensionDir };
    await send("webExtension.install", { extensionData, ...(keep ? { "moz:permanent": true } : {}) });
  }

  const run = async <T>(context: string, body: string, ...args: unknown[]): Promise<T> => {
    const result = (await send("script.callFunction", {
      functionDeclaration: `async (...args) => JSON.stringify(await (async (...args) => { ${body} })(...args))`,
      arguments: args.map((value) => ({ type: "string", value: JSON.stringify(value) })),
      target: { context },
      awaitPromise: true,
    })) as { type: string; result?: { value?: string }; exceptionDetails?: { text?: string } };
    if (result.type === "exception") throw new Error(`page script failed: ${result.exceptionDetails?.text}`);
    const text = result.result?.value;
    return (text === undefined ? undefined : JSON.parse(text)) as T;
  };

  return {
    pid: child.pid!,
    send,
    async newTab() {
      return ((await send("browsingContext.create", { type: "tab" })) as { context: string }).context;
    },
    async navigate(context, url) {
      await send("browsingContext.navigate", { context, url, wait: "complete" });
    },
    run: (context, body, ...args) => run(context, `args = args.map((a) => JSON.parse(a)); ${body}`, ...args),
    async waitFor(context, body, timeoutMs = 20_000, ...args) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ok = await run<boolean>(context, `args = args.map((a) => JSON.parse(a)); ${body}`, ...args).catch(() => false);
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${body}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    extensionUrl: (path) => `moz-extension://${ADDON_UUID}/${path}`,
    async openExtensionPage(path) {
      const url = `moz-extension://${ADDON_UUID}/${path}`;
      const chrome = ((await send("browsingContext.getTree", { "moz:scope": "chrome" })) as { contexts: Array<{ context: string }> })
        .contexts[0]!.context;
      const before = new Set(
        ((await send("browsingContext.getTree", {})) as { contexts: Array<{ context: string }> }).contexts.map((c) => c.context),
      );
      await send("script.evaluate", {
        expression: `gBrowser.selectedTab = gBrowser.addTab(${JSON.stringify(url)}, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); true`,
        target: { context: chrome },
        awaitPromise: false,
      });
      const deadline = Date.now() + 20_000;
      for (;;) {
        const contexts = ((await send("browsingContext.getTree", {})) as { contexts: Array<{ context: string; url: string }> }).contexts;
        const opened = contexts.find((c) => !before.has(c.context) && c.url === url);
        if (opened) {
          const ready = await run<boolean>(opened.context, `return document.readyState === "complete";`).catch(() => false);
          if (ready) return opened.context;
        }
        if (Date.now() > deadline) throw new Error(`could not open ${url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      const exited = new Promise((r) => child.once("exit", r));
      // A kept profile must be written out as after a normal quit: ask the browser to close.
      // (The answer may never come: the browser is gone.)
      if (keep) void send("browser.close").catch(() => {});
      else child.kill();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) {
        child.kill();
        await exited;
      }
      ws.close();
      if (!keep) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Zips an unpacked extension folder into an .xpi (files at the archive's root, as Firefox wants). */
async function packXpi(dir: string, out: string): Promise<string> {
  const zip = new JSZip();
  const add = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) add(path, `${prefix}${entry.name}/`);
      else zip.file(`${prefix}${entry.name}`, readFileSync(path));
    }
  };
  add(dir, "");
  writeFileSync(out, await zip.generateAsync({ type: "nodebuffer" }));
  return out;
}

/**
 * DOM helpers injected into pages, finding controls the way a person (or a
 * screen reader) does: by label text and by role + accessible name.
 */
export const DOM_HELPERS = `
  const name = (el) => (el.getAttribute("aria-label") || (el.getAttribute("aria-labelledby") ? el.getAttribute("aria-labelledby").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ") : el.textContent) || "").trim();
  const byLabel = (text) => { const label = [...document.querySelectorAll("label")].find((l) => l.textContent.trim() === text); return label ? document.getElementById(label.htmlFor) : null; };
  const button = (text) => [...document.querySelectorAll("button")].find((b) => name(b) === text && !b.disabled);
  const fill = (text, value) => { const el = byLabel(text); el.value = value; el.dispatchEvent(new Event("input", { bubbles: true })); };
  const switchNamed = (text) => [...document.querySelectorAll('[role="switch"]')].find((s) => name(s) === text);
`;
