import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { gatewayAudience, PROXY_TOKEN_ISSUER, PROXY_TOKEN_TYPE } from "@cargo-vpn/shared/proxy-credentials";
import { CredentialVerifier, parseBasic } from "./credentials";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("CredentialVerifier", () => {
  let privateKey: CryptoKey;
  let jwks: ReturnType<typeof createLocalJWKSet>;
  let clock = Date.now();
  const revoked = new Set<string>();

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256");
    privateKey = pair.privateKey;
    jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256" }] });
  });

  const sign = (sessionId: string, lifetimeSec = 600, issuedInSec = 0) => {
    const iat = Math.floor(clock / 1000) + issuedInSec;
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES256", typ: PROXY_TOKEN_TYPE, kid: "k1" })
      .setIssuer(PROXY_TOKEN_ISSUER)
      .setAudience(gatewayAudience("gw-1"))
      .setSubject(sessionId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeSec)
      .sign(privateKey);
  };

  const verifier = () =>
    new CredentialVerifier({
      jwks,
      gatewayId: "gw-1",
      isRevoked: (id) => revoked.has(id),
      clockToleranceSec: 0,
      cacheSize: 2,
      now: () => clock,
    });

  it("accepts a proxy credential for this gateway and names its session and expiry", async () => {
    const credential = await sign("s1", 300);
    const result = await verifier().check(basic("s1", credential));
    expect(result).toEqual({ ok: true, sessionId: "s1", expiresAtMs: (Math.floor(clock / 1000) + 300) * 1000 });
  });

  it("serves a repeated header from the cache until the credential expires", async () => {
    const v = verifier();
    const header = basic("s2", await sign("s2", 60));
    expect((await v.check(header)).ok).toBe(true);
    expect((await v.check(header)).ok).toBe(true);
    expect(v.verifications).toBe(1);
    clock += 61_000;
    expect(await v.check(header)).toEqual({ ok: false, reason: "expired" });
    clock -= 61_000;
  });

  it("refuses a cached credential once its session is revoked", async () => {
    const v = verifier();
    const header = basic("s3", await sign("s3"));
    expect((await v.check(header)).ok).toBe(true);
    revoked.add("s3");
    expect(await v.check(header)).toEqual({ ok: false, reason: "revoked" });
    expect(await verifier().check(header)).toEqual({ ok: false, reason: "revoked" });
  });

  it("keeps the cache bounded", async () => {
    const v = verifier();
    const headers = await Promise.all(["a", "b", "c"].map(async (s) => basic(s, await sign(s))));
    for (const header of headers) await v.check(header);
    await v.check(headers[0]!);
    expect(v.verifications).toBe(4);
  });

  it("tells missing, malformed and invalid apart", async () => {
    const v = verifier();
    expect(await v.check(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(await v.check("Digest abc")).toEqual({ ok: false, reason: "malformed" });
    expect(await v.check(basic("s4", "not-a-jwt"))).toEqual({ ok: false, reason: "invalid" });
    expect(await v.check(basic("other", await sign("s4")))).toEqual({ ok: false, reason: "invalid" });
    expect(await v.check(basic("s4", await sign("s4", 16 * 60)))).toEqual({ ok: false, reason: "invalid" });
    // 15 minutes long, but starting a year from now
    expect(await v.check(basic("s4", await sign("s4", 600, 365 * 86400)))).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("parseBasic", () => {
  it("splits at the first colon and refuses anything else", () => {
    expect(parseBasic(basic("s", "a:b"))).toEqual({ username: "s", password: "a:b" });
    expect(parseBasic(`basic ${Buffer.from("s:p").toString("base64")}`)).toEqual({ username: "s", password: "p" });
    expect(parseBasic(basic("", "p"))).toBeNull();
    expect(parseBasic(basic("s", ""))).toBeNull();
    expect(parseBasic(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeNull();
    expect(parseBasic(basic("x".repeat(65), "p"))).toBeNull();
    expect(parseBasic("Basic a b")).toBeNull();
  });
});
