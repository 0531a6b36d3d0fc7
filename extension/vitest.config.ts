/**
 * Three projects:
 *   unit      WXT's Vitest plugin swaps `wxt/browser` and the globals for an
 *             in-memory fake browser (seconds).
 *   chromium  builds the extension and drives it in real Chromium (playwright-core).
 *   firefox   builds the Firefox add-on and drives Firefox ESR over WebDriver
 *             BiDi — only where /usr/bin/firefox-esr (or FIREFOX_PATH) exists;
 *             without it the project is absent, not skipped, and says so.
 *
 *   pnpm test                         # all of them
 *   pnpm test:unit                    # fake browser only
 */
import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

const firefox = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const haveFirefox = existsSync(firefox);
if (!haveFirefox) console.warn(`[vitest] ${firefox} not found: the Firefox project does not run (apt-get install firefox-esr)`);

export default defineConfig({
  test: {
    // One file at a time: the browser projects each build the extension and drive a
    // browser, and on a two-core machine running them side by side makes timings flaky.
    fileParallelism: false,
    projects: [
      {
        plugins: [WxtVitest()],
        test: { name: "unit", include: ["lib/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        test: { name: "chromium", include: ["tests/smoke/**/*.test.ts"], testTimeout: 90_000, hookTimeout: 180_000 },
      },
      ...(haveFirefox
        ? [{ test: { name: "firefox", include: ["tests/firefox/**/*.test.ts"], testTimeout: 90_000, hookTimeout: 180_000 } }]
        : []),
    ],
  },
});
