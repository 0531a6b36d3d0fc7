/**
 * A stand-in for the Cargo API's gateway-facing side, over a real HTTP server:
 * serves a JWKS (ES256, generated with jose), issues proxy credentials the way
 * the worker does, answers heartbeats with the revoked sessions it was told
 * about, and applies usage batches once per batchId like the real worker. It
 * can fail usage calls on demand — before applying them, or after (the answer
 * is lost but the batch landed) — to exercise retries.
 *
 *   const api = await startFakeApi();
 *   const header = await api.proxyAuthorization("session-1");
 *   api.revoked.add("session-1");
 *   api.totals("session-1");   // { bytesUp, bytesDown } over applied batches
 *   api.refuseHeartbeats();     // every heartbeat answers 503 until acceptHeartbeats()
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, base64url, type CryptoKey, type JWK } from "jose";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_TYPE,
  gatewayAudience,
  PROXY_TOKEN_ISSUER,
  PROXY_TOKEN_TYPE,
} from "@cargo-vpn/shared/proxy-credentials";
import { type RouteKey, routeKey } from "@cargo-vpn/shared/routes";

export interface UsageBatch {
  batchId: string;
  reports: Array<{ sessionId: string; bytesUp: number; bytesDown: number }>;
}

export interface CredentialOptions {
  audience?: string;
  typ?: string;
  issuer?: string;
  subject?: string;
  /** seconds from now; negative for an expired credential */
  expiresIn?: number;
  /** seconds before now */
  issuedAgo?: number;
  /** sign with a key the JWKS does not hold (same kid): a bad signature */
  rogueKey?: boolean;
  kid?: string | null;
}

export interface FakeApi {
  url: string;
  gatewayId: string;
  secret: string;
  heartbeats: Array<{ activeSessions: number; load: number; sessions?: string[] }>;
  /** every usage request received, in order, including failed and repeated ones */
  usageRequests: UsageBatch[];
  revoked: Set<string>;
  /** Heartbeats answered with a problem (refuseHeartbeats), not recorded in `heartbeats`. */
  refusedHeartbeats: number;
  /** From now on every heartbeat answers `status` (default 503 `unavailable`), as an API that is down or refuses this gateway. */
  refuseHeartbeats(status?: number): void;
  acceptHeartbeats(): void;
  /** The next `count` usage calls answer `status`; `applyFirst` applies the batch before failing. */
  failUsage(count: number, options?: { status?: number; applyFirst?: boolean }): void;
  totals(sessionId: string): { bytesUp: number; bytesDown: number };
  appliedBatchIds(): string[];
  credential(sessionId: string, options?: CredentialOptions): Promise<string>;
  proxyAuthorization(sessionId: string, options?: CredentialOptions): Promise<string>;
  accessToken(sessionId: string): Promise<string>;
  unsignedToken(sessionId: string): string;
  close(): Promise<void>;
}

export const basicAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

export async function startFakeApi(gatewayId = "gw-test"): Promise<FakeApi> {
  const secret = "test-gateway-secret";
  const kid = "key-1";
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const rogue: { privateKey: CryptoKey } = await generateKeyPair("ES256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };

  const heartbeats: FakeApi["heartbeats"] = [];
  const usageRequests: UsageBatch[] = [];
  const applied = new Map<string, UsageBatch>();
  const revoked = new Set<string>();
  let failures: Array<{ status: number; applyFirst: boolean }> = [];
  let heartbeatRefusal: number | null = null;
  let refusedHeartbeats = 0;

  const problem = (res: http.ServerResponse, status: number, code: string) => {
    res.writeHead(status, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ type: `https://cargovpn.dev/problems/${code}`, title: code, status, code, detail: code }));
  };
  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    // Served by route key, so the paths are the table's (shared/src/routes.ts) and cannot drift from what the gateway calls.
    const route = routeKey({ method: req.method ?? "", path: req.url ?? "" });
    const is = (key: RouteKey) => route === key;
    if (is("GET /.well-known/jwks.json")) return json(res, { keys: [jwk] });
    if (req.headers.authorization !== `Bearer ${secret}`) return problem(res, 401, "unauthorized");
    if (is("POST /v1/gateway/heartbeat")) {
      if (heartbeatRefusal !== null) {
        refusedHeartbeats++;
        return problem(res, heartbeatRefusal, heartbeatRefusal === 503 ? "unavailable" : "internal");
      }
      heartbeats.push(body);
      return json(res, { revokedSessions: [...revoked] });
    }
    if (is("POST /v1/gateway/usage")) {
      const batch = body as UsageBatch;
      usageRequests.push(structuredClone(batch));
      const failure = failures.shift();
      if (failure && !failure.applyFirst) return problem(res, failure.status, "internal");
      if (!applied.has(batch.batchId)) applied.set(batch.batchId, batch);
      if (failure) return problem(res, failure.status, "internal");
      return json(res, { accepted: batch.reports.length });
    }
    return problem(res, 404, "not_found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const credential = async (sessionId: string, options: CredentialOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const iat = now - (options.issuedAgo ?? 0);
    const header: { alg: string; typ: string; kid?: string } = { alg: "ES256", typ: options.typ ?? PROXY_TOKEN_TYPE };
    if (options.kid !== null) header.kid = options.kid ?? kid;
    return new SignJWT({})
      .setProtectedHeader(header)
      .setIssuer(options.issuer ?? PROXY_TOKEN_ISSUER)
      .setAudience(options.audience ?? gatewayAudience(gatewayId))
      .setSubject(options.subject ?? sessionId)
      .setIssuedAt(iat)
      .setExpirationTime(now + (options.expiresIn ?? 600))
      .sign(options.rogueKey ? rogue.privateKey : privateKey);
  };

  return {
    url,
    gatewayId,
    secret,
    heartbeats,
    usageRequests,
    revoked,
    get refusedHeartbeats() {
      return refusedHeartbeats;
    },
    refuseHeartbeats(status = 503) {
      heartbeatRefusal = status;
    },
    acceptHeartbeats() {
      heartbeatRefusal = null;
    },
    failUsage(count, options = {}) {
      failures = Array.from({ length: count }, () => ({
        status: options.status ?? 500,
        applyFirst: options.applyFirst ?? false,
      }));
    },
    totals(sessionId) {
      let bytesUp = 0;
      let bytesDown = 0;
      for (const batch of applied.values()) {
        for (const report of batch.reports) {
          if (report.sessionId !== sessionId) continue;
          bytesUp += report.bytesUp;
          bytesDown += report.bytesDown;
        }
      }
      return { bytesUp, bytesDown };
    },
    appliedBatchIds: () => [...applied.keys()],
    credential,
    proxyAuthorization: async (sessionId, options) => basicAuth(sessionId, await credential(sessionId, options)),
    accessToken: (sessionId) =>
      new SignJWT({ did: "device-1" })
        .setProtectedHeader({ alg: "ES256", typ: ACCESS_TOKEN_TYPE, kid })
        .setIssuer(PROXY_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(sessionId)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey),
    unsignedToken: (sessionId) => {
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: object) => base64url.encode(JSON.stringify(value));
      return `${encode({ alg: "none", typ: PROXY_TOKEN_TYPE, kid })}.${encode({
        iss: PROXY_TOKEN_ISSUER,
        aud: gatewayAudience(gatewayId),
        sub: sessionId,
        iat: now,
        exp: now + 600,
      })}.`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
