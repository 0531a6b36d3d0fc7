/**
 * Every setting of the gateway, its default and its limits, in one place.
 *
 *   const config = resolveConfig({ apiUrl, gatewayId, gatewaySecret, port: 0 }); // programmatic
 *   const config = configFromEnv(process.env);                                   // the CLI
 *
 * Both paths end in `resolveConfig`, which fills defaults and refuses bad
 * values with a message naming the setting, so a misconfigured gateway fails
 * at start rather than on its first connection.
 */
import { readFileSync } from "node:fs";
import { parsePortList, PortListError } from "./policy/port-policy";

export interface TlsInput {
  /** Port of the TLS listener (the encrypted browser→gateway hop); 0 picks a free one. */
  port: number;
  /** PEM certificate chain and private key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** Where cert and key were read from: `reloadTls()` (SIGHUP) reads them again from there. */
  certPath?: string;
  keyPath?: string;
  /** 48 bytes shared by every process of one gateway, so a session ticket from one resumes on all; default random per process. */
  ticketKeys?: Buffer;
  /** How often self-made ticket keys are replaced (in a cluster: by the primary, for every worker); default 12 h. */
  ticketKeyRotationMs?: number;
  /**
   * A second TLS listener, same host, certificate and ticket keys, offering only http/1.1 in ALPN: the
   * port the extension gives Firefox, whose tunnels over an h2 proxy stall for good on large downloads
   * (README, "Firefox and HTTP/2"). 0 picks a free one; default none.
   */
  http1Port?: number;
  /**
   * Offer h2 in ALPN beside http/1.1 on `port` (proxy/h2/h2-listener.ts). Default: true when `http1Port`
   * is set (Firefox goes there), false otherwise, so Firefox never meets h2 unless asked for.
   */
  h2?: boolean;
}

/** `tls` as resolved: `h2` decided. */
export type TlsConfig = TlsInput & { h2: boolean };

/** Ticket key rotation: tickets older than one period stop resuming, so a key read out of memory opens at most that window's. */
export const TICKET_KEY_ROTATION_MS = 12 * 3600 * 1000;
const TICKET_KEY_ROTATION_RANGE = [1000, 7 * 86_400_000] as const;

/** What `startGateway` accepts: the three identity fields, everything else optional. */
export interface GatewayConfigInput {
  /** Base URL of the Cargo API (JWKS, heartbeat and usage live under it). */
  apiUrl: string;
  gatewayId: string;
  /** Bearer secret for /v1/gateway/*. */
  gatewaySecret: string;
  /** Listening address; default 127.0.0.1. */
  host?: string;
  /** Plain listener port; 0 = ephemeral; default 8080. */
  port?: number;
  tls?: TlsInput;
  /** Let loopback destinations through (tests and local development only). */
  allowLoopback?: boolean;
  /** How often usage deltas are sent; default 5000. */
  flushIntervalMs?: number;
  /** How often the heartbeat is sent; default 5000. */
  heartbeatIntervalMs?: number;
  /**
   * Heartbeats in a row the API may miss (refuse, fail, or not answer within an interval) before the
   * gateway refuses new flows with 503: it can no longer learn which sessions have ended. Default: as many
   * as fit in 2 minutes (24 at the default interval). Env GATEWAY_HEARTBEAT_MISS_LIMIT.
   */
  heartbeatMissLimit?: number;
  /** Largest request head accepted from a browser (and response head from an origin); default 16 KiB. */
  maxHeaderBytes?: number;
  /** A flow (tunnel or forwarded request) with no traffic for this long is closed; default 120000. */
  idleTimeoutMs?: number;
  /** Time allowed to open the connection to a destination; default 10000. */
  connectTimeoutMs?: number;
  /** Flows (open tunnels plus in-flight requests) one session may hold, per process; default 256. Env GATEWAY_MAX_FLOWS_PER_SESSION. */
  maxFlowsPerSession?: number;
  /** Client connections (sockets) the gateway accepts in total; the heartbeat's load is open flows over it; default 10000. */
  maxConnections?: number;
  /** Per-tunnel read buffer for destination→browser bytes; default 256 KiB. */
  tunnelBufferBytes?: number;
  /** How long shutdown waits for open flows to finish before cutting them; default 2000. */
  shutdownGraceMs?: number;
  /** How long shutdown keeps retrying the final usage batch; default 10000. */
  shutdownFlushTimeoutMs?: number;
  /** Tolerated clock difference when checking credential expiry, in seconds; default 5. */
  clockToleranceSec?: number;
  /** Verified credentials kept in the cache; default 100000. */
  credentialCacheSize?: number;
  /** Destination ports allowed besides 80 and 443, e.g. "8080,8443,9000-9100" (port-policy.ts); default none. */
  allowedPorts?: string;
  /** Folder for the usage journal (usage-journal.ts): counted usage survives a crashed process; default "" (none). */
  usageJournalDir?: string;
}

export type GatewayConfig = Required<Omit<GatewayConfigInput, "tls">> & { tls?: TlsConfig };

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  allowLoopback: false,
  flushIntervalMs: 5000,
  heartbeatIntervalMs: 5000,
  maxHeaderBytes: 16 * 1024,
  idleTimeoutMs: 120_000,
  connectTimeoutMs: 10_000,
  maxFlowsPerSession: 256,
  maxConnections: 10_000,
  tunnelBufferBytes: 256 * 1024,
  shutdownGraceMs: 2000,
  shutdownFlushTimeoutMs: 10_000,
  clockToleranceSec: 5,
  credentialCacheSize: 100_000,
  allowedPorts: "",
  usageJournalDir: "",
} as const;

/** How long the API may go without accepting a heartbeat before new flows are refused, when no miss limit is set. */
const HEARTBEAT_MISS_WINDOW_MS = 120_000;

/** The default miss limit: the beats that fit in HEARTBEAT_MISS_WINDOW_MS, at least one. */
const defaultHeartbeatMissLimit = (heartbeatIntervalMs: number) => Math.max(1, Math.round(HEARTBEAT_MISS_WINDOW_MS / heartbeatIntervalMs));

/** A setting is missing or out of range; the message names it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type IntRange = readonly [min: number, max: number];
const RANGES = {
  port: [0, 65535],
  flushIntervalMs: [50, 3_600_000],
  heartbeatIntervalMs: [50, 3_600_000],
  heartbeatMissLimit: [1, 100_000],
  maxHeaderBytes: [1024, 1024 * 1024],
  idleTimeoutMs: [100, 86_400_000],
  connectTimeoutMs: [100, 600_000],
  maxFlowsPerSession: [1, 100_000],
  maxConnections: [1, 1_000_000],
  tunnelBufferBytes: [4096, 16 * 1024 * 1024],
  shutdownGraceMs: [0, 600_000],
  shutdownFlushTimeoutMs: [0, 600_000],
  clockToleranceSec: [0, 300],
  credentialCacheSize: [1, 10_000_000],
} as const satisfies Record<string, IntRange>;

function checkInt(name: string, value: number, [min, max]: IntRange): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

export function resolveConfig(input: GatewayConfigInput): GatewayConfig {
  for (const name of ["apiUrl", "gatewayId", "gatewaySecret"] as const) {
    if (typeof input[name] !== "string" || input[name].length === 0) throw new ConfigError(`${name} is required`);
  }
  let api: URL;
  try {
    api = new URL(input.apiUrl);
  } catch {
    throw new ConfigError(`apiUrl must be an absolute http(s) URL, got "${input.apiUrl}"`);
  }
  if (api.protocol !== "http:" && api.protocol !== "https:") {
    throw new ConfigError(`apiUrl must be an http(s) URL, got "${input.apiUrl}"`);
  }
  // tls is resolved on its own below.
  const given = stripUndefined({ ...input, tls: undefined });
  const heartbeatIntervalMs = given.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs;
  const merged = {
    ...DEFAULTS,
    heartbeatMissLimit: defaultHeartbeatMissLimit(heartbeatIntervalMs),
    ...given,
    gatewayId: input.gatewayId,
    gatewaySecret: input.gatewaySecret,
  };
  for (const [name, range] of Object.entries(RANGES)) {
    checkInt(name, merged[name as keyof typeof RANGES], range);
  }
  let tls: TlsConfig | undefined;
  if (input.tls) {
    checkInt("tls.port", input.tls.port, RANGES.port);
    const { http1Port } = input.tls;
    if (http1Port !== undefined) {
      checkInt("tls.http1Port", http1Port, RANGES.port);
      // 0 is "pick a free one" for each listener, so only a fixed port can collide.
      for (const [name, other] of [
        ["port", merged.port],
        ["tls.port", input.tls.port],
      ] as const) {
        if (http1Port !== 0 && http1Port === other) throw new ConfigError(`tls.http1Port must differ from ${name}, both are ${other}`);
      }
    }
    if (!input.tls.cert || !input.tls.key) throw new ConfigError("tls needs both cert and key (PEM)");
    if (input.tls.ticketKeyRotationMs !== undefined) {
      checkInt("tls.ticketKeyRotationMs", input.tls.ticketKeyRotationMs, TICKET_KEY_ROTATION_RANGE);
    }
    tls = { ...input.tls, h2: input.tls.h2 ?? http1Port !== undefined };
  }
  try {
    parsePortList(merged.allowedPorts);
  } catch (error) {
    if (error instanceof PortListError) throw new ConfigError(`allowedPorts: ${error.message}`);
    throw error;
  }
  return { ...merged, apiUrl: api.href.replace(/\/+$/, ""), ...(tls ? { tls } : {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Environment variable → setting, for `configFromEnv` and the README. */
export const ENV_VARS = {
  CARGO_API_URL: "apiUrl",
  CARGO_GATEWAY_ID: "gatewayId",
  CARGO_GATEWAY_SECRET: "gatewaySecret",
  GATEWAY_HOST: "host",
  GATEWAY_PORT: "port",
  GATEWAY_TLS_PORT: "tls.port",
  GATEWAY_TLS_HTTP1_PORT: "tls.http1Port",
  GATEWAY_TLS_CERT: "tls.cert (file path)",
  GATEWAY_TLS_KEY: "tls.key (file path)",
  GATEWAY_ALLOW_LOOPBACK: "allowLoopback",
  GATEWAY_FLUSH_MS: "flushIntervalMs",
  GATEWAY_HEARTBEAT_MS: "heartbeatIntervalMs",
  GATEWAY_HEARTBEAT_MISS_LIMIT: "heartbeatMissLimit",
  GATEWAY_MAX_HEADER_BYTES: "maxHeaderBytes",
  GATEWAY_IDLE_TIMEOUT_MS: "idleTimeoutMs",
  GATEWAY_CONNECT_TIMEOUT_MS: "connectTimeoutMs",
  GATEWAY_MAX_FLOWS_PER_SESSION: "maxFlowsPerSession",
  GATEWAY_MAX_CONNECTIONS: "maxConnections",
  GATEWAY_SHUTDOWN_GRACE_MS: "shutdownGraceMs",
  GATEWAY_TUNNEL_BUFFER_BYTES: "tunnelBufferBytes",
  GATEWAY_ALLOWED_PORTS: "allowedPorts",
  GATEWAY_TLS_TICKET_ROTATION_MS: "tls.ticketKeyRotationMs",
  GATEWAY_TLS_H2: "tls.h2",
  GATEWAY_USAGE_JOURNAL_DIR: "usageJournalDir",
} as const;

/**
 * Old names of variables renamed to the glossary's words (README, "Words we use"): still read for
 * one release, with a warning at start (`renamedEnvWarnings`), then dropped. The per-session cap
 * counts flows, not connections.
 */
export const RENAMED_ENV_VARS = {
  GATEWAY_MAX_CONNECTIONS_PER_SESSION: "GATEWAY_MAX_FLOWS_PER_SESSION",
} as const;

type Env = Record<string, string | undefined>;

/** The old names set in `env`, with their new ones, for the start-up log. */
export function renamedEnvWarnings(env: Env): { old: string; new: string }[] {
  return Object.entries(RENAMED_ENV_VARS)
    .filter(([old]) => env[old] !== undefined)
    .map(([old, name]) => ({ old, new: name }));
}

/** A renamed variable under its new name, else its old one; both set and different is a mistake worth stopping for. */
function envIntRenamed(env: Env, name: (typeof RENAMED_ENV_VARS)[keyof typeof RENAMED_ENV_VARS]): number | undefined {
  const old = Object.entries(RENAMED_ENV_VARS).find(([, current]) => current === name)![0];
  const value = envInt(env, name);
  const oldValue = envInt(env, old);
  if (value !== undefined && oldValue !== undefined && value !== oldValue) {
    throw new ConfigError(`${old} is the old name of ${name}, and they differ (${oldValue}, ${value}): set only ${name}`);
  }
  return value ?? oldValue;
}

function envInt(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function envBool(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (["1", "true", "yes"].includes(raw)) return true;
  if (["0", "false", "no"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function readPem(env: Env, name: string): Buffer {
  const path = env[name];
  if (!path) throw new ConfigError(`${name} is required when GATEWAY_TLS_PORT is set`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${name}: cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Reads the settings from environment variables (names in ENV_VARS). */
export function configFromEnv(env: Env): GatewayConfig {
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`${name} is required`);
    return value;
  };
  const tlsPort = envInt(env, "GATEWAY_TLS_PORT");
  const http1Port = envInt(env, "GATEWAY_TLS_HTTP1_PORT");
  // It shares the TLS listener's certificate; without one it would be silently ignored.
  if (http1Port !== undefined && tlsPort === undefined) {
    throw new ConfigError("GATEWAY_TLS_HTTP1_PORT needs GATEWAY_TLS_PORT (and its certificate)");
  }
  return resolveConfig({
    apiUrl: required("CARGO_API_URL"),
    gatewayId: required("CARGO_GATEWAY_ID"),
    gatewaySecret: required("CARGO_GATEWAY_SECRET"),
    host: env.GATEWAY_HOST?.trim() || undefined,
    port: envInt(env, "GATEWAY_PORT"),
    tls:
      tlsPort === undefined
        ? undefined
        : {
            // Before the files are read, so a bad value is named even when they are missing too.
            h2: envBool(env, "GATEWAY_TLS_H2"),
            port: tlsPort,
            http1Port,
            cert: readPem(env, "GATEWAY_TLS_CERT"),
            key: readPem(env, "GATEWAY_TLS_KEY"),
            certPath: env.GATEWAY_TLS_CERT,
            keyPath: env.GATEWAY_TLS_KEY,
            ticketKeyRotationMs: envInt(env, "GATEWAY_TLS_TICKET_ROTATION_MS"),
          },
    allowLoopback: envBool(env, "GATEWAY_ALLOW_LOOPBACK"),
    flushIntervalMs: envInt(env, "GATEWAY_FLUSH_MS"),
    heartbeatIntervalMs: envInt(env, "GATEWAY_HEARTBEAT_MS"),
    heartbeatMissLimit: envInt(env, "GATEWAY_HEARTBEAT_MISS_LIMIT"),
    maxHeaderBytes: envInt(env, "GATEWAY_MAX_HEADER_BYTES"),
    idleTimeoutMs: envInt(env, "GATEWAY_IDLE_TIMEOUT_MS"),
    connectTimeoutMs: envInt(env, "GATEWAY_CONNECT_TIMEOUT_MS"),
    maxFlowsPerSession: envIntRenamed(env, "GATEWAY_MAX_FLOWS_PER_SESSION"),
    maxConnections: envInt(env, "GATEWAY_MAX_CONNECTIONS"),
    shutdownGraceMs: envInt(env, "GATEWAY_SHUTDOWN_GRACE_MS"),
    tunnelBufferBytes: envInt(env, "GATEWAY_TUNNEL_BUFFER_BYTES"),
    allowedPorts: env.GATEWAY_ALLOWED_PORTS?.trim() || undefined,
    usageJournalDir: env.GATEWAY_USAGE_JOURNAL_DIR?.trim() || undefined,
  });
}
