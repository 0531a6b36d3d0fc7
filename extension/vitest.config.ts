/** Unit tests run under WXT's Vitest plugin, which swaps `wxt/browser` and the globals for an in-memory fake browser. */
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
