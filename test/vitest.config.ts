import { defineConfig } from "vitest/config";

// End-to-end suites start real processes (wrangler dev, gateways, Chromium): one file at a time.
export default defineConfig({
  test: {
    include: ["**/*.e2e.test.ts"],
    exclude: ["node_modules/**"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
