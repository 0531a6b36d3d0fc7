/**
 * The one way in to the database, the keys and the configuration: every
 * request (middleware in app.ts), cron run and queue batch (index.ts) builds
 * one `AppContext`, and domain functions take it as their first argument.
 *
 *   const ctx = c.get("ctx");
 *   await startSession(ctx, c.get("auth"), locationId);
 *
 * Inside a domain function: `ctx.db` (drizzle over D1), `await ctx.keys()`
 * (CryptoKeys, imported once per isolate by crypto/keys.ts), `ctx.settings`
 * (parsed configuration, settings.ts), and `ctx.env` for the Durable Object,
 * queue and email bindings. Keys and settings are made on first use, so a
 * request that needs neither never touches the secrets.
 */
import { serverKeys, type ServerKeys } from "./crypto/keys";
import { type Db, database } from "./db/client";
import type { Env } from "./env";
import { parseSettings, type Settings } from "./settings";

export interface AppContext {
  readonly env: Env;
  readonly db: Db;
  readonly settings: Settings;
  keys(): Promise<ServerKeys>;
}

export function appContext(env: Env): AppContext {
  let keys: Promise<ServerKeys> | undefined;
  let settings: Settings | undefined;
  return {
    env,
    db: database(env),
    get settings() {
      settings ??= parseSettings(env);
      return settings;
    },
    keys: () => {
      keys ??= serverKeys(env);
      return keys;
    },
  };
}
