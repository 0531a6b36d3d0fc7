/**
 * What a proxy credential is, shared by the worker that issues it and the
 * gateway that checks it. The browser answers the gateway's 407 with
 * Basic `username:password` where username is the tunnel session id and
 * password is a JWT signed by the worker (ES256, key in /.well-known/jwks.json).
 */
export const PROXY_TOKEN_ISSUER = "https://api.cargovpn.dev";
/** JWT `typ` header of proxy credentials, so an access token can never pass as one. */
export const PROXY_TOKEN_TYPE = "cargo-proxy+jwt";
/** JWT `typ` header of API access tokens. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const ACCESS_TOKEN_AUDIENCE = "cargo-vpn-api";
/** The audience of a proxy credential names the one gateway it is good for. */
export const gatewayAudience = (gatewayId: string): string => `cargo-gateway:${gatewayId}`;

/** Claims of a proxy credential: `sub` is the tunnel session id. */
export interface ProxyTokenClaims {
  sub: string;
  aud: string;
  iss: string;
  exp: number;
  iat: number;
}

/** A proxy credential never lives longer than this (docs/api.md: "expire within 15 minutes"): the worker caps its TTL, the gateway refuses longer ones. */
export const MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS = 15 * 60;
