import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { experimental_readRawConfig } from "wrangler";
import { defineConfig } from "vitest/config";
import { generateSecrets } from "./dev/secrets.ts";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { LOCAL_PRICES } from "@cargo-vpn/stripe-standin/prices";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * wrangler.toml without its `send_email` binding: in these tests EMAIL is the
 * mail catcher (test/mail-catcher.js), so tests can read what was sent.
 * Miniflare would merge, not replace, a second EMAIL binding.
 */
async function testWranglerConfig(): Promise<string> {
  const { rawConfig } = experimental_readRawConfig({ config: here("../wrangler.toml") });
  const { send_email: _sendEmail, ...rest } = rawConfig as Record<string, unknown>;
  const config = { ...rest, main: here("./src/index.ts"), migrations: rest.migrations, d1_databases: rest.d1_databases };
  const path = here("./.vitest/wrangler.json");
  await mkdir(here("./.vitest"), { recursive: true });
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

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
        wrangler: { configPath: await testWranglerConfig() },
        miniflare: {
          bindings: { ...secrets, ...stripe, TEST_MIGRATIONS: migrations, EMAIL_RETRY_DELAY_SECONDS: "1" },
          serviceBindings: { EMAIL: { name: "mail-catcher", entrypoint: "MailCatcher" } },
          // wrangler's own send_email simulation, refusing every recipient: a real binding that fails.
          email: { send_email: [{ name: "REFUSING_EMAIL", allowed_destination_addresses: [] }] },
          workers: [{ name: "mail-catcher", modules: true, scriptPath: here("./test/mail-catcher.js"), compatibilityDate: "2026-10-01" }],
        },
      }),
    ],
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts", "./test/openapi-conformance-setup.ts"],
      globalSetup: ["./test/derive-auth-keys.ts", "./test/stripe-standin-setup.ts", "./test/page-script-fresh.ts"],
      testTimeout: 30_000,
    },
  };
});
