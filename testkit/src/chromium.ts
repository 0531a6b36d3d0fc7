/**
 * Debian's Chromium with the extension loaded unpacked, driven by
 * playwright-core: building the extension against a given API, launching a
 * persistent profile, opening the popup, stopping the MV3 service worker.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { EXTENSION_DIR } from "./repo.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Switches every launch here takes: root in a container, no GPU, and none of the browser's own calls home. */
const QUIET_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

/** Builds the Chrome MV3 extension with `apiUrl` as its default API; returns the unpacked folder. */
export function buildExtension(apiUrl: string, outDir: string): string {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const extension = EXTENSION_DIR;
  execFileSync(join(extension, "node_modules/.bin/wxt"), ["build"], {
    cwd: extension,
    env: { ...process.env, WXT_API_URL: apiUrl, CARGO_EXT_OUT_DIR: outDir },
    stdio: "pipe",
  });
  return join(outDir, "chrome-mv3");
}

export interface Browser {
  context: BrowserContext;
  extensionId: string;
  openPopup(): Promise<Page>;
  openOptions(): Promise<Page>;
  /** Stops the extension's service worker, as Chrome does when it is idle. */
  stopServiceWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface ProxiedChromium {
  context: BrowserContext;
  /** The browser's main process: its descendants are the renderers, the network service and the GPU process. */
  pid: number;
  close(): Promise<void>;
}

/** The main process of the Chromium running on `profile`: the one with that --user-data-dir and no --type. */
function chromiumPid(profile: string): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args.includes(`--user-data-dir=${profile}`) && !args.some((arg) => arg.startsWith("--type="))) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  throw new Error(`no Chromium process on ${profile}`);
}

/**
 * Debian's Chromium without the extension, every request (loopback too)
 * through one proxy, as a benchmark drives a browser through the gateway:
 * playwright answers the proxy's 407 with `credentials`.
 */
export async function launchThroughProxy(
  profile: string,
  proxy: { server: string; username: string; password: string },
  extraArgs: string[] = [],
): Promise<ProxiedChromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    proxy: { ...proxy, bypass: "<-loopback>" },
    args: [...QUIET_ARGS, ...extraArgs],
  });
  return { context, pid: chromiumPid(profile), close: () => context.close() };
}

/** `extraArgs`: more Chromium switches, e.g. to trust a test gateway's self-signed certificate. */
export async function launchBrowser(profile: string, extensionDir: string, extraArgs: string[] = []): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, ...QUIET_ARGS, ...extraArgs],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  const base = `chrome-extension://${extensionId}`;
  return {
    context,
    extensionId,
    async openPopup() {
      const page = await context.newPage();
      await page.goto(`${base}/popup.html`);
      await page.locator("#app[data-ready]").waitFor({ timeout: 20_000 });
      return page;
    },
    async openOptions() {
      const page = await context.newPage();
      await page.goto(`${base}/options.html`);
      await page.getByLabel("API base URL").waitFor();
      return page;
    },
    async stopServiceWorker() {
      // CDP's ServiceWorker domain sees the workers of the page's own origin: drive it from an idle extension page.
      const page = await context.newPage();
      await page.goto(`${base}/options.html`);
      const cdp = await context.newCDPSession(page);
      const statuses: string[] = [];
      cdp.on("ServiceWorker.workerVersionUpdated", (event) => {
        for (const v of event.versions) if (v.scriptURL.startsWith(base)) statuses.push(v.runningStatus);
      });
      await cdp.send("ServiceWorker.enable");
      await cdp.send("ServiceWorker.stopAllWorkers");
      const deadline = Date.now() + 10_000;
      while (statuses.at(-1) !== "stopped") {
        if (Date.now() > deadline) throw new Error(`service worker did not stop (${statuses.join(",")})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await cdp.detach();
      await page.close();
    },
    close: () => context.close(),
  };
}
