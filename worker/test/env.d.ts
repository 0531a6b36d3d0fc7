import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env";
import type { TestCredential } from "./derive-auth-keys";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** The Stripe stand-in the worker under test talks to (its /_standin/ routes drive it). */
      TEST_STRIPE_URL: string;
      /** wrangler's send_email simulation with no allowed recipient: every send fails. */
      REFUSING_EMAIL: SendEmail;
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    credentials: TestCredential[];
  }
}
