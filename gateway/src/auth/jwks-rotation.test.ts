/**
 * The gateway's side of a JWT key rotation, over a real HTTP JWKS: the gateway
 * verifies offline with jose's remote key set (cached, refetched when stale
 * and, at most once per cool-down, on an unknown kid). The API publishes
 * the next key before it signs with it, so once the cache has turned over the
 * new kid is already known and no credential is ever refused for it; the
 * previous key stays published, so credentials it signed keep working.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayAudience, PROXY_TOKEN_ISSUER, PROXY_TOKEN_TYPE } from "@cargo-vpn/shared/proxy-credentials";
import { CredentialVerifier } from "./credentials";

const CACHE_MS = 300;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function signingKey(kid: string) {
  const pair = await generateKeyPair("ES256");
  return { kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: "ES256", use: "sig" } as JWK };
}

type Key = Awaited<ReturnType<typeof signingKey>>;

let n = 0;
async function credential(key: Key): Promise<string> {
  n += 1;
  const sessionId = `s-${n}`;
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: "ES256", typ: PROXY_TOKEN_TYPE, kid: key.kid })
    .setIssuer(PROXY_TOKEN_ISSUER)
    .setAudience(gatewayAudience("gw-1"))
    .setSubject(sessionId)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(key.privateKey);
  return basic(sessionId, jwt);
}

describe("JWT key rotation at the gateway", () => {
  let server: http.Server;
  let url: URL;
  let published: JWK[] = [];
  let fetches = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A gateway whose unknown-kid refetch is effectively off, so only the published-ahead key can make a new kid work. */
  const gateway = () =>
    new CredentialVerifier({
      jwks: createRemoteJWKSet(url, { cacheMaxAge: CACHE_MS, cooldownDuration: 60 * 60 * 1000 }),
      gatewayId: "gw-1",
      isRevoked: () => false,
    });
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("publish next, wait one cache period, promote: the new kid verifies at once and the old one keeps verifying", async () => {
    const [k1, k2] = [await signingKey("k1"), await signingKey("k2")];
    published = [k1.jwk];
    const v = gateway();
    expect((await v.check(await credential(k1))).ok).toBe(true);

    published = [k1.jwk, k2.jwk]; // publish-next
    await wait(CACHE_MS + 100); // at least one JWKS cache period
    expect((await v.check(await credential(k1))).ok).toBe(true);
    published = [k2.jwk, k1.jwk]; // promote: k2 signs, k1 is the previous key
    const before = fetches;
    expect(await v.check(await credential(k2))).toMatchObject({ ok: true });
    expect(await v.check(await credential(k1))).toMatchObject({ ok: true });
    // Nothing had to be fetched on the spot for the new kid: it was already cached.
    expect(fetches).toBe(before);

    published = [k2.jwk]; // retire
    await wait(CACHE_MS + 100);
    expect(await v.check(await credential(k1))).toEqual({ ok: false, reason: "invalid" });
    expect((await v.check(await credential(k2))).ok).toBe(true);
  });

  it("without the publish step a gateway that fetched recently refuses the new kid (what publishing ahead prevents)", async () => {
    const [k1, k2] = [await signingKey("k3"), await signingKey("k4")];
    published = [k1.jwk];
    const v = gateway();
    expect((await v.check(await credential(k1))).ok).toBe(true);
    published = [k2.jwk, k1.jwk]; // promoted straight away
    expect(await v.check(await credential(k2))).toEqual({ ok: false, reason: "invalid" });
    // The previous key's credentials are unaffected.
    expect((await v.check(await credential(k1))).ok).toBe(true);
  });
});
