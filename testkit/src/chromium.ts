/**
 * Debian's Chromium with the extension loaded unpacked, driven by
 * playwright-core: building the extension against a given API, launching a
 * persistent profile, opening the popup, stopping the MV3 service worker.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { EXTENSION_DIR } from "./repo.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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

/** `extraArgs`: more Chromium switches, e.g. to trust a test gateway's self-signed certificate. */
export async function launchBrowser(profile: string, extensionDir: string, extraArgs: string[] = []): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profile, {
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
      ...extraArgs,
    ],
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
