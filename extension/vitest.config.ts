/**
 * Two projects:
 *   unit      WXT's Vitest plugin swaps `wxt/browser` and the globals for an
 *             in-memory fake browser (seconds).
 *   chromium  builds the extension and drives it in real Chromium (playwright-core),
 *             with no server behind it.
 *
 * The flows that need the API and a gateway run in real Chromium and Firefox
 * against the real local stack: test/extension.e2e.test.ts, test/firefox.e2e.test.ts.
 *
 *   npm run extension -- test        # both
 *   npm run extension -- test:unit   # fake browser only
 */
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        plugins: [WxtVitest()],
        test: { name: "unit", include: ["lib/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        test: { name: "chromium", include: ["tests/smoke/**/*.test.ts"], testTimeout: 90_000, hookTimeout: 180_000 },
      },
    ],
  },
});
