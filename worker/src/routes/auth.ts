/** Sign-in: prelogin, sign-in (`/login`), refresh, sign-out (`/logout`). */
import { createRoute } from "@hono/zod-openapi";
import { SignInRequest, PreloginRequest, PreloginResponse, RefreshRequest, TokenResponse } from "@cargo-vpn/shared";
import { prelogin, refresh, signIn, signOut } from "../auth/sign-in";
import { noticeIfNewDevice } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { authenticate } from "../http/authenticate";
import { bearer, clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";

export const authRoutes = router();

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/prelogin",
    operationId: "prelogin",
    tags: ["auth"],
    summary: "Key-derivation parameters for a username",
    request: jsonBody(PreloginRequest),
    responses: {
      200: jsonResponse("PBKDF2 parameters", PreloginResponse),
      ...problems("validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const { username } = c.req.valid("json");
    return c.json(await prelogin(c.get("ctx"), username, clientAddress(c.req.header("cf-connecting-ip"))), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/login",
    operationId: "login",
    tags: ["auth"],
    summary: "Sign a device in",
    request: jsonBody(SignInRequest),
    responses: {
      200: jsonResponse("Tokens for this device", TokenResponse),
      ...problems("validation_failed", "malformed_json", "invalid_credentials", "second_factor_required", "device_limit", "rate_limited"),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const signedIn = await signIn(c.get("ctx"), body, clientAddress(c.req.header("cf-connecting-ip")));
    await bestEffort(noticeIfNewDevice(c.get("ctx"), signedIn));
    return c.json(signedIn, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/refresh",
    operationId: "refresh",
    tags: ["auth"],
    summary: "Trade a refresh token for new tokens",
    request: jsonBody(RefreshRequest),
    responses: { 200: jsonResponse("New tokens", TokenResponse), ...problems("validation_failed", "malformed_json", "unauthorized") },
  }),
  async (c) => {
    const { refreshToken, deviceSecret } = c.req.valid("json");
    return c.json(await refresh(c.get("ctx"), refreshToken, deviceSecret), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/logout",
    operationId: "logout",
    tags: ["auth"],
    summary: "Sign this device out",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 204: { description: "Signed out" }, ...problems("unauthorized") },
  }),
  async (c) => {
    await signOut(c.get("ctx"), c.get("account"), c.get("auth"));
    return c.body(null, 204);
  },
);
