/**
 * Manual check against the REAL local stack (worker on wrangler + gateway,
 * from scripts/stack/stack.ts) rather than the fakes: sign up through the
 * popup, connect, load a page from a local origin through the gateway, see
 * the bytes live in the popup, disconnect, sign out. Not part of `pnpm test`
 * (the cross-package end-to-end suite lives in test/); a starting point for it.
 *
 *   pnpm --filter @cargo-vpn/extension e2e:real-stack      # exits non-zero on failure
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startStack } from "../../../scripts/stack/stack.ts";

const ROOT = join(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "cargo-real-stack-"));
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`check failed: ${what}`);
  log("ok:", what);
};

const stack = await startStack({ persistTo: join(work, "state"), allowLoopback: true, gatewayLogger: { info() {}, warn() {}, error() {} } as never });
let hits = 0;
const origin = createServer((_req, res) => {
  hits += 1;
  res.writeHead(200, { "content-type": "text/html", "cache-control": "no-store" });
  res.end(`<h1>origin</h1><p>${"y".repeat(50_000)}</p>`);
});
await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", () => resolve()));
const originUrl = `http://127.0.0.1:${(origin.address() as { port: number }).port}/`;
execFileSync(join(ROOT, "node_modules/.bin/wxt"), ["build"], {
  cwd: ROOT,
  env: { ...process.env, WXT_API_URL: stack.apiUrl, CARGO_EXT_OUT_DIR: join(work, "build") },
  stdio: "pipe",
});
const ext = join(work, "build/chrome-mv3");
const context = await chromium.launchPersistentContext(join(work, "profile"), {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`, "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
});
let failed = false;
try {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
  const id = new URL(worker.url()).host;
  const options = await context.newPage();
  await options.goto(`chrome-extension://${id}/options.html`);
  await options.getByLabel("Addresses that bypass the VPN").fill("<-loopback>");
  await options.getByRole("button", { name: "Save settings" }).click();
  await options.getByText("Settings saved.").waitFor();

  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${id}/popup.html`);
  await popup.getByRole("button", { name: "Create an account" }).click();
  await popup.getByLabel("Username").fill("real-user");
  await popup.getByLabel("Email").fill("real@example.com");
  await popup.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
  await popup.getByLabel("Confirm password").fill("correct horse battery staple");
  await popup.getByLabel("I am 13 years of age or older").check();
  await popup.getByRole("button", { name: "Create account" }).click();
  const vpn = popup.getByRole("switch", { name: "VPN" });
  await vpn.waitFor({ timeout: 30_000 });
  log("locations:", await popup.getByLabel("Location").locator("option").allTextContents());
  await vpn.click();
  await popup.getByText(/^Connected to/).waitFor({ timeout: 20_000 });
  check((await vpn.getAttribute("aria-checked")) === "true", "switch is on and the popup says connected");

  const page = await context.newPage();
  check((await page.goto(originUrl))?.status() === 200 && hits === 1, "origin page loaded with the tunnel on");
  const live = popup.locator(".live dd").nth(1);
  let down = 0;
  for (let i = 0; i < 15 && down === 0; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    down = Number((await live.getAttribute("data-bytes").catch(() => null)) ?? 0);
  }
  check(down > 50_000, `the gateway counted the page: ${down} bytes down, live in the popup`);

  await vpn.click();
  await popup.getByText(/^Not connected/).waitFor({ timeout: 20_000 });
  log("totals:", await popup.locator(".totals").textContent());
  await popup.getByRole("button", { name: "Sign out" }).click();
  await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
  check(true, "signed out");
} catch (error) {
  failed = true;
  log("FAILED", error);
} finally {
  await context.close();
  origin.close();
  await stack.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
