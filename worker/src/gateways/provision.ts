/**
 * Making a new gateway record: an id and a secret (shown once, stored only as
 * its hash). Runs in the worker's tests and in the operator command
 * (`npm run ops -- gateway create`), which writes it with `wrangler d1 execute`.
 */
import { randomToken, tokenHash } from "../crypto/keyed-hash";
import type { gateways } from "../db/schema";

export interface GatewaySpec {
  id?: string;
  name: string;
  country: string;
  scheme: "https" | "http";
  host: string;
  port: number;
  /** The HTTP/1.1-only TLS port (the gateway's GATEWAY_TLS_HTTP1_PORT), where Firefox connects; https only. */
  http1Port?: number;
}

export type GatewayRecord = typeof gateways.$inferInsert;

export async function newGateway(spec: GatewaySpec, nowMs = Date.now()): Promise<{ record: GatewayRecord; secret: string }> {
  if (!/^[A-Z]{2}$/.test(spec.country)) throw new Error("country must be an ISO 3166-1 alpha-2 code such as DE");
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) throw new Error("port must be 1-65535");
  if (spec.http1Port !== undefined) {
    if (!Number.isInteger(spec.http1Port) || spec.http1Port < 1 || spec.http1Port > 65535) throw new Error("http1 port must be 1-65535");
    if (spec.scheme !== "https") throw new Error("an http1 port is for https gateways: a plain one never offers h2");
    if (spec.http1Port === spec.port) throw new Error("the http1 port must differ from the port");
  }
  const secret = randomToken();
  return {
    secret,
    record: {
      id:
        spec.id ??
        `gw-${randomToken(6)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, "")}`,
      name: spec.name,
      country: spec.country,
      scheme: spec.scheme,
      host: spec.host,
      port: spec.port,
      http1Port: spec.http1Port ?? null,
      secretHash: await tokenHash(secret),
      createdAt: nowMs,
    },
  };
}

const literal = (value: unknown) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${String(value).replaceAll("'", "''")}'`;

/** The INSERT for `wrangler d1 execute --command`. */
export function insertGatewaySql(r: GatewayRecord): string {
  const values = [r.id, r.name, r.country, r.scheme, r.host, r.port, r.http1Port ?? null, r.secretHash, r.createdAt].map(literal);
  return `INSERT INTO gateways (id, name, country, scheme, host, port, http1_port, secret_hash, created_at) VALUES (${values.join(", ")});`;
}

/**
 * A new secret for an existing gateway (`npm run ops -- gateway rotate-secret`):
 * the current one becomes the previous, still accepted until `overlapMs` has
 * passed or the gateway has used the new one, whichever comes first
 * (worker/src/gateways/secrets.ts). SQLite evaluates every SET expression
 * against the row as it was, so the swap is one atomic statement.
 */
export async function rotateGatewaySecret(id: string, overlapMs: number, nowMs = Date.now()): Promise<{ secret: string; sql: string }> {
  if (!Number.isFinite(overlapMs) || overlapMs < 0) throw new Error("the overlap must be zero or more");
  const secret = randomToken();
  const sql = `UPDATE gateways SET previous_secret_hash = secret_hash, previous_secret_expires_at = ${Math.floor(nowMs + overlapMs)}, secret_hash = ${literal(
    await tokenHash(secret),
  )} WHERE id = ${literal(id)} RETURNING id;`;
  return { secret, sql };
}
