import type { D1Migration } from "cloudflare:test";
import type { Env } from "../src/env";
import type { TestCredential } from "./derive-auth-keys";

declare global {
  namespace Cloudflare {
    interface Env extends import("../src/env").Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    credentials: TestCredential[];
  }
}

export type { Env };
