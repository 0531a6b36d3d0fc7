import { defineConfig } from "vitest/config";

// The suites open real sockets and child processes; keep files sequential so
// timing-sensitive tests (idle drop, expiry, retries) do not starve each other
// on a two-core machine.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], fileParallelism: false, testTimeout: 20_000, hookTimeout: 20_000 },
});
