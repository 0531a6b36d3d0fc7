import { defineConfig } from "vitest/config";

// End-to-end suites start real processes (wrangler dev, gateways, Chromium): one file at a time.
// The other *.test.ts files here check the repository as a whole (docs-commands.test.ts).
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
