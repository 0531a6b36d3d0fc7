/**
 * How the gateway process runs, as opposed to how it proxies (gateway-settings.ts):
 * how many worker processes share the listeners, and where the admin
 * listener (/healthz, /metrics) is, if anywhere. Read by main.ts only.
 *
 *   const settings = processSettingsFromEnv(process.env);
 *   settings.workers;   // 1 = today's single process; default one per available core
 *   settings.admin;     // { host, port } or undefined (off unless GATEWAY_ADMIN_PORT is set)
 */
import { availableParallelism } from "node:os";
import { ConfigError } from "../gateway-settings";

export interface ProcessSettings {
  workers: number;
  admin?: { host: string; port: number };
}

const MAX_WORKERS = 256;

/** Environment variable → meaning, for the README. */
export const PROCESS_ENV_VARS = {
  GATEWAY_WORKERS: "worker processes sharing the listeners (1 = single process; default: available cores)",
  GATEWAY_ADMIN_HOST: "admin listener address (default 127.0.0.1)",
  GATEWAY_ADMIN_PORT: "admin listener port (unset = no admin listener; 0 = ephemeral)",
} as const;

type Env = Record<string, string | undefined>;

function wholeNumber(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

export function processSettingsFromEnv(env: Env, cores = availableParallelism()): ProcessSettings {
  const workers = wholeNumber(env, "GATEWAY_WORKERS", 1, MAX_WORKERS) ?? Math.min(cores, MAX_WORKERS);
  const adminPort = wholeNumber(env, "GATEWAY_ADMIN_PORT", 0, 65535);
  const adminHost = env.GATEWAY_ADMIN_HOST?.trim() || "127.0.0.1";
  return { workers, ...(adminPort === undefined ? {} : { admin: { host: adminHost, port: adminPort } }) };
}
