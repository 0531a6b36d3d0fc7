import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { generateSecrets } from "./dev/secrets.ts";
import { freePort } from "../scripts/stack/free-port.ts";
import { LOCAL_PRICES } from "../scripts/stripe-standin/prices.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig(async () => {
  const migrations = await readD1Migrations(here("./migrations"));
  const secrets = await generateSecrets();
  // The Stripe stand-in runs in Node (test/stripe-standin-setup.ts) on this port; the worker reaches it as it would reach Stripe.
  const stripePort = await freePort();
  process.env.CARGO_TEST_STRIPE = JSON.stringify({
    port: stripePort,
    secretKey: secrets.STRIPE_SECRET_KEY,
    webhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
  });
  const stripe = {
    STRIPE_API_HOST: "127.0.0.1",
    STRIPE_API_PORT: String(stripePort),
    STRIPE_API_PROTOCOL: "http",
    STRIPE_PRICES: JSON.stringify(LOCAL_PRICES),
    TEST_STRIPE_URL: `http://127.0.0.1:${stripePort}`,
  };
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: here("../wrangler.toml") },
        miniflare: { bindings: { ...secrets, ...stripe, TEST_MIGRATIONS: migrations } },
      }),
    ],
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      globalSetup: ["./test/derive-auth-keys.ts", "./test/stripe-standin-setup.ts"],
      testTimeout: 30_000,
    },
  };
});
