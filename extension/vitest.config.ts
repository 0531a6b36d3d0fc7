/**
 * Unit tests run under WXT's Vitest plugin, which swaps `wxt/browser` and the
 * globals for an in-memory fake browser. The smoke project builds the
 * extension and drives it in real Chromium.
 *
 *   pnpm test                         # both
 *   pnpm test:unit                    # fake browser only (seconds)
 */
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

export default defineConfig({
  test: {
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
