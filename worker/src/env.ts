/**
 * The one typed environment of the worker: bindings from wrangler.toml and
 * secrets (`.dev.vars` locally, `wrangler secret put` in production).
 */
import type { AccountRow } from "./accounts/accounts";
import type { AccountDevices } from "./devices/account-devices";
import type { LoginThrottle } from "./throttle/login-throttle";

export interface Env {
  DB: D1Database;
  ACCOUNT_DEVICES: DurableObjectNamespace<AccountDevices>;
  LOGIN_THROTTLE: DurableObjectNamespace<LoginThrottle>;
  /** base64url of 32 random bytes: the key-encryption key that wraps each account's data key. */
  DATA_KEK: string;
  /** base64url of 32 random bytes: keys blind indexes, authKey verifiers, fake salts and client hashes. */
  INDEX_KEY: string;
  /** ES256 private JWK (JSON, with `kid`) that signs access tokens and proxy credentials. */
  JWT_PRIVATE_KEY: string;
  /** Plain vars from wrangler.toml, all optional with defaults in config.ts. */
  APP_VERSION?: string;
  /** Minutes without traffic after which the cron trigger ends a tunnel session. */
  SESSION_IDLE_MINUTES?: string;
  /** Lifetime of proxy credentials in seconds (at most 900); short values let tests watch renewal happen. */
  PROXY_CREDENTIAL_TTL_SECONDS?: string;
  /** Days an ended session's usage record is kept before the cron trigger deletes it. */
  USAGE_RETENTION_DAYS?: string;
}

export interface AuthContext {
  accountId: string;
  deviceId: string;
  signInId: string;
}

export interface GatewayContext {
  id: string;
}

export type AppBindings = { Bindings: Env; Variables: { auth: AuthContext; account: AccountRow; gateway: GatewayContext } };
