/** Access tokens that must be refused: tampered, expired, other key, alg none, wrong type or audience. */
import { env } from "cloudflare:test";
import { base64url, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { gatewayAudience, PROXY_TOKEN_ISSUER, PROXY_TOKEN_TYPE } from "@cargo-vpn/shared";
import { call, signedIn } from "./client";

async function serverKey() {
  const jwk = JSON.parse(env.JWT_PRIVATE_KEY) as JWK;
  return { key: await importJWK(jwk, "ES256"), kid: jwk.kid! };
}

function claimsOf(token: string) {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1]!)));
}

/** The same token's claims, changed by `edit`, signed again with the server's own key. */
async function resigned(token: string, edit: (claims: Record<string, unknown>) => Record<string, unknown>) {
  const { key, kid } = await serverKey();
  return new SignJWT(edit(claimsOf(token))).setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" }).sign(key);
}

async function expectRefused(token: string) {
  const res = await call("GET", "/v1/me", { token });
  expect(res.status).toBe(401);
  expect(res.body.code).toBe("unauthorized");
}

describe("access tokens", () => {
  it("are short-lived ES256 JWTs with kid, verifiable with the published JWKS", async () => {
    const s = await signedIn();
    const [header] = s.token.split(".");
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(header!)))).toMatchObject({ alg: "ES256", kid: expect.any(String) });
    const claims = claimsOf(s.token);
    expect(claims.sub).toBe(s.user.id);
    // No device id to read (issue 20 item 7): the API finds the device from the sign-in.
    expect(claims.did).toBeUndefined();
    expect(claims.sign_in).toEqual(expect.any(String));
    expect(claims.sid).toBeUndefined();
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60);
    const jwks = await call("GET", "/.well-known/jwks.json");
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it("a token signed before the claim was renamed (sign-in id in `sid`) is still accepted, this release only", async () => {
    const s = await signedIn();
    const token = await resigned(s.token, ({ sign_in, ...rest }) => ({ ...rest, sid: sign_in }));
    const me = await call("GET", "/v1/me", { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual((await call("GET", "/v1/me", { token: s.token })).body);
  });

  it("a token naming no sign-in, or a sign-in that ended, is refused", async () => {
    const s = await signedIn();
    await expectRefused(await resigned(s.token, ({ sign_in: _gone, ...rest }) => rest));
    await expectRefused(await resigned(s.token, (claims) => ({ ...claims, sign_in: crypto.randomUUID() })));
    await expectRefused(await resigned(s.token, ({ sign_in: _gone, ...rest }) => ({ ...rest, sid: crypto.randomUUID() })));
  });

  it("a tampered payload is refused", async () => {
    const s = await signedIn();
    const other = await signedIn();
    const [h, , sig] = s.token.split(".");
    const forged = base64url.encode(JSON.stringify({ ...claimsOf(s.token), sub: other.user.id }));
    await expectRefused(`${h}.${forged}.${sig}`);
    await expectRefused(s.token.slice(0, -4) + (s.token.endsWith("AAAA") ? "BBBB" : "AAAA"));
  });

  it("an expired token is refused", async () => {
    const s = await signedIn();
    const { key, kid } = await serverKey();
    const claims = claimsOf(s.token);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ did: claims.did, sign_in: claims.sign_in })
      .setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" })
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setSubject(claims.sub)
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 60)
      .sign(key);
    await expectRefused(expired);
  });

  it("a token signed with another key is refused", async () => {
    const s = await signedIn();
    const { privateKey } = await generateKeyPair("ES256");
    const claims = claimsOf(s.token);
    const { kid } = await serverKey();
    const token = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" }).sign(privateKey);
    await expectRefused(token);
  });

  it("alg none is refused", async () => {
    const s = await signedIn();
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }));
    const payload = base64url.encode(JSON.stringify(claimsOf(s.token)));
    await expectRefused(`${header}.${payload}.`);
  });

  it("HS256 signed with the public key (algorithm confusion) is refused", async () => {
    const s = await signedIn();
    const { key: _k, kid } = await serverKey();
    const publicJwk = (await call("GET", "/.well-known/jwks.json")).body.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT(claimsOf(s.token)).setProtectedHeader({ alg: "HS256", kid, typ: "at+jwt" }).sign(secret);
    await expectRefused(token);
  });

  it("a proxy credential never passes as an access token", async () => {
    const s = await signedIn();
    const { key, kid } = await serverKey();
    const now = Math.floor(Date.now() / 1000);
    const proxy = await new SignJWT({ did: s.device.id, sign_in: claimsOf(s.token).sign_in })
      .setProtectedHeader({ alg: "ES256", kid, typ: PROXY_TOKEN_TYPE })
      .setIssuer(PROXY_TOKEN_ISSUER)
      .setAudience(gatewayAudience("gw-1"))
      .setSubject(s.user.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(key);
    await expectRefused(proxy);
  });
});
