/**
 * The JWTs the worker signs (ES256, `kid` in the header): access tokens for
 * the API and proxy credentials for gateways. Both verify offline against
 * /.well-known/jwks.json; the `typ` header and audience keep one from ever
 * passing as the other. Any published key verifies (current, next, previous:
 * see keys.ts), so a rotation never refuses a token that is still in date.
 */
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE, gatewayAudience, PROXY_TOKEN_ISSUER, PROXY_TOKEN_TYPE } from "@cargo-vpn/shared";
import { type JWSHeaderParameters, jwtVerify, SignJWT } from "jose";
import { ACCESS_TOKEN_TTL_SECONDS } from "../constants";
import type { AuthContext } from "../auth/callers";
import type { ServerKeys } from "./keys";

/** The claim naming the sign-in (one signed-in device) a token belongs to; the token dies with it. */
const SIGN_IN_CLAIM = "sign_in";
/**
 * Its name before the glossary (README, "Words we use"): `sid` read as "session id", and a session
 * here is a tunnel session. Tokens signed before the rename live 10 minutes, so this is read for
 * one release only; delete it and its test in the next.
 */
const OLD_SIGN_IN_CLAIM = "sid";

/** What an access token says: the account and the sign-in. The device id is read from the sign-in, not the token. */
export type AccessClaims = Pick<AuthContext, "accountId" | "signInId">;

/**
 * The token names no device (issue 20 item 7): a device id read from a token once let anyone past the
 * sign-in back-off, and the server looks it up from the sign-in anyway.
 */
export async function signAccessToken(keys: ServerKeys, auth: AccessClaims, nowMs = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ [SIGN_IN_CLAIM]: auth.signInId })
    .setProtectedHeader({ alg: "ES256", kid: keys.signing.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(PROXY_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(auth.accountId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(keys.signing.key);
}

/** The claims of a valid access token, or null for anything else (tampered, expired, other key, other type). */
export async function verifyAccessToken(keys: ServerKeys, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, publishedKey(keys), {
      algorithms: ["ES256"],
      issuer: PROXY_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ["sub", "exp", "iat"],
    });
    const { sub } = payload;
    const signInId = payload[SIGN_IN_CLAIM] ?? payload[OLD_SIGN_IN_CLAIM];
    if (typeof sub !== "string" || typeof signInId !== "string") return null;
    return { accountId: sub, signInId };
  } catch {
    return null;
  }
}

export async function signProxyToken(
  keys: ServerKeys,
  sessionId: string,
  gatewayId: string,
  ttlSeconds: number,
  nowMs = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: keys.signing.kid, typ: PROXY_TOKEN_TYPE })
    .setIssuer(PROXY_TOKEN_ISSUER)
    .setAudience(gatewayAudience(gatewayId))
    .setSubject(sessionId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keys.signing.key);
  return { token, expiresAt: new Date(exp * 1000) };
}

/** The published key a token's `kid` names; jose refuses the token when there is none. */
function publishedKey(keys: ServerKeys) {
  return (header: JWSHeaderParameters): CryptoKey => {
    const key = header.kid === undefined ? undefined : keys.verifying.get(header.kid);
    if (!key) throw new Error("no published key has this kid");
    return key;
  };
}

export function jwks(keys: ServerKeys) {
  return { keys: keys.published };
}
