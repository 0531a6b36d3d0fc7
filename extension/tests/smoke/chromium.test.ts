/**
 * Real Chromium (Debian's /usr/bin/chromium) with the unpacked MV3 build,
 * driven by playwright-core by role and label, with no server behind it: the
 * extension loads, its service worker starts, and the popup is usable by
 * keyboard and screen reader. Also measures the popup bundle and its time to
 * interactive (written to .output/metrics/popup.json and printed).
 *
 * Everything that needs the API and a gateway runs against the real local
 * stack in test/extension.e2e.test.ts, with the same helpers (../support/chromium.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BYPASS_LIST } from "../../lib/config";
import { startupBlockRules } from "../../lib/proxy/startup-block-rules";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";

interface DnrApi {
  updateSessionRules(options: { addRules?: unknown[]; removeRuleIds?: number[] }): Promise<void>;
  getSessionRules(): Promise<Array<{ id: number }>>;
}

const ROOT = join(__dirname, "../..");
let outDir: string;
let profile: string;
let browser: Browser;

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
  outDir = mkdtempSync(join(tmpdir(), "cargo-ext-build-"));
  profile = mkdtempSync(join(tmpdir(), "cargo-ext-profile-"));
  // Nothing listens on the discard port: the popup must render without the API.
  browser = await launchBrowser(profile, buildExtension("http://127.0.0.1:9", outDir));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const dir of [outDir, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("real Chromium, unpacked MV3 build", () => {
  it("loads: the service worker starts and the manifest asks for proxy auth the MV3 way", async () => {
    expect(browser.extensionId).toMatch(/^[a-p]{32}$/);
    const manifest = JSON.parse(readFileSync(join(outDir, "chrome-mv3/manifest.json"), "utf8"));
    expect(manifest.permissions).toEqual(
      expect.arrayContaining(["proxy", "webRequest", "webRequestAuthProvider", "privacy", "alarms", "storage"]),
    );
  });

  it("Chrome accepts the start-up block rules of the default bypass list, IPv6 ranges included", async () => {
    const rules = startupBlockRules(DEFAULT_BYPASS_LIST, "https://api.cargovpn.dev");
    expect(rules.some((r) => r.condition.regexFilter?.includes("\\[f"))).toBe(true);
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    // Installed for real as session rules (then removed): Chrome refuses the whole update if one regex is bad.
    const result = await page.evaluate(async (all) => {
      const dnr = (globalThis as unknown as { chrome: { declarativeNetRequest: DnrApi } }).chrome.declarativeNetRequest;
      const ids = all.map((r) => r.id + 50_000);
      await dnr.updateSessionRules({ addRules: all.map((r) => ({ ...r, id: r.id + 50_000 })) });
      const installed = (await dnr.getSessionRules()).filter((r) => ids.includes(r.id)).length;
      await dnr.updateSessionRules({ removeRuleIds: ids });
      return installed;
    }, rules);
    expect(result).toBe(rules.length);
    await page.close();
  });

  it("popup renders the sign-in form, reachable by role and label; measures size and time to interactive", async () => {
    const samples: number[] = [];
    let page: Page | undefined;
    for (let i = 0; i < 5; i++) {
      page = await browser.context.newPage();
      const started = Date.now();
      await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
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
    // Issue 11: open to interactive under 150 ms, median of five.
    expect(metrics.timeToInteractiveMs.median).toBeLessThan(150);
  });
});
