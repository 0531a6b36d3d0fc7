/**
 * Checks the `Proxy-Authorization` a browser answers our 407 with: Basic
 * `sessionId:jwt`, where the JWT is a proxy credential the API signed for
 * this gateway (shared/src/proxy-credentials.ts). Verification is offline
 * against the API's JWKS; a verified header is cached by its hash until the
 * credential expires, so later requests carrying it cost one SHA-256, not an
 * ECDSA verification.
 *
 *   const verifier = new CredentialVerifier({ jwks: createRemoteJWKSet(url), gatewayId, isRevoked });
 *   const result = await verifier.check(req.headers["proxy-authorization"]);
 *   if (!result.ok) answer407();
 */
import { createHash } from "node:crypto";
import { errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import {
  gatewayAudience,
  MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS,
  PROXY_TOKEN_ISSUER,
  PROXY_TOKEN_TYPE,
} from "@cargo-vpn/shared/proxy-credentials";
import { MAX_ID_CHARS } from "@cargo-vpn/shared/schemas";

/** A proxy credential never lives longer than this: the contract's cap, which the API's TTL stays under. */
export const MAX_CREDENTIAL_LIFETIME_SEC = MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS;
const MAX_HEADER_CHARS = 8192;
/** The proxy username is a tunnel session id, so no longer than the API's ids. */
const MAX_SESSION_ID_CHARS = MAX_ID_CHARS;

export type CredentialFailure =
  | "missing" // no Proxy-Authorization at all
  | "malformed" // not Basic, not base64, no colon, empty parts
  | "invalid" // signature, algorithm, typ, issuer, audience, subject or lifetime wrong
  | "expired"
  | "revoked" // the session ended (learned from a heartbeat)
  | "unavailable"; // the JWKS could not be fetched, so nothing can be verified

export type CredentialResult = { ok: true; sessionId: string; expiresAtMs: number } | { ok: false; reason: CredentialFailure };

export interface CredentialVerifierOptions {
  jwks: JWTVerifyGetKey;
  gatewayId: string;
  isRevoked: (sessionId: string) => boolean;
  clockToleranceSec?: number;
  cacheSize?: number;
  now?: () => number;
}

/** How far past `exp` a credential is still taken by default: the API's and the gateway's clocks may differ a little. */
export const CLOCK_TOLERANCE_SEC = 5;

interface CacheEntry {
  sessionId: string;
  expiresAtMs: number;
}

export class CredentialVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly audience: string;
  private readonly toleranceMs: number;
  private readonly cacheSize: number;
  private readonly now: () => number;
  /** Signature verifications performed (cache misses that reached jose); tests read it. */
  verifications = 0;

  constructor(private readonly options: CredentialVerifierOptions) {
    this.audience = gatewayAudience(options.gatewayId);
    this.toleranceMs = (options.clockToleranceSec ?? CLOCK_TOLERANCE_SEC) * 1000;
    this.cacheSize = options.cacheSize ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async check(header: string | undefined): Promise<CredentialResult> {
    if (header === undefined || header === "") return { ok: false, reason: "missing" };
    if (header.length > MAX_HEADER_CHARS) return { ok: false, reason: "malformed" };
    const key = createHash("sha256").update(header).digest("base64");
    const cached = this.cache.get(key);
    if (cached) {
      if (this.now() >= cached.expiresAtMs + this.toleranceMs) {
        this.cache.delete(key);
        return { ok: false, reason: "expired" };
      }
      if (this.options.isRevoked(cached.sessionId)) return { ok: false, reason: "revoked" };
      return { ok: true, ...cached };
    }
    const basic = parseBasic(header);
    if (!basic) return { ok: false, reason: "malformed" };
    const result = await this.verify(basic.username, basic.password);
    if (result.ok) this.remember(key, { sessionId: result.sessionId, expiresAtMs: result.expiresAtMs });
    return result;
  }

  private async verify(sessionId: string, credential: string): Promise<CredentialResult> {
    this.verifications++;
    try {
      const { payload, protectedHeader } = await jwtVerify(credential, this.options.jwks, {
        algorithms: ["ES256"],
        typ: PROXY_TOKEN_TYPE,
        issuer: PROXY_TOKEN_ISSUER,
        audience: this.audience,
        subject: sessionId,
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: this.toleranceMs / 1000,
        currentDate: new Date(this.now()),
      });
      const { exp, iat } = payload as { exp: number; iat: number };
      const nowSec = this.now() / 1000;
      const toleranceSec = this.toleranceMs / 1000;
      // A short lifetime means nothing if `iat` may lie in the future, so both ends are bounded by now.
      const lifetimeOk =
        exp - iat <= MAX_CREDENTIAL_LIFETIME_SEC &&
        iat <= nowSec + toleranceSec &&
        exp <= nowSec + MAX_CREDENTIAL_LIFETIME_SEC + toleranceSec;
      if (!protectedHeader.kid || !lifetimeOk) return { ok: false, reason: "invalid" };
      if (this.options.isRevoked(sessionId)) return { ok: false, reason: "revoked" };
      return { ok: true, sessionId, expiresAtMs: exp * 1000 };
    } catch (error) {
      return { ok: false, reason: failureOf(error) };
    }
  }

  private remember(key: string, entry: CacheEntry): void {
    if (this.cache.size >= this.cacheSize) this.evict();
    this.cache.set(key, entry);
  }

  /** Drops expired entries; if none were, the oldest one (Maps iterate in insertion order). */
  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (now >= entry.expiresAtMs + this.toleranceMs) this.cache.delete(key);
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }
}

function failureOf(error: unknown): CredentialFailure {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return "unavailable";
  if (error instanceof errors.JOSEError) return "invalid";
  // fetch failures surface as plain TypeErrors: the key set is out of reach, the credential may be fine.
  return "unavailable";
}

/** `Basic base64(username:password)` → its parts, or null when it is not exactly that. */
export function parseBasic(header: string): { username: string; password: string } | null {
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) return null;
  const username = decoded.slice(0, colon);
  if (username.length > MAX_SESSION_ID_CHARS) return null;
  return { username, password: decoded.slice(colon + 1) };
}
