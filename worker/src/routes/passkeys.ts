/**
 * Passkeys as a second factor (issue 18 item 3): the popup's bearer routes
 * (a registration ticket, the list, removal) and the account pages' routes
 * (registration options and verify, sign-in options and verify). The pages'
 * routes are authorised by the one-time ticket or the sign-in challenge
 * they carry, never by a token.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  Passkey,
  PasskeyListResponse,
  PasskeyRegistrationRequest,
  PasskeySignInOptionsRequest,
  PasskeySignInVerifyRequest,
  PasskeyTicketRequest,
  PasskeyTicketResponse,
  WebAuthnOptions,
} from "@cargo-vpn/shared";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { authenticate } from "../http/authenticate";
import { bearer, jsonBody, jsonResponse, problems, router } from "../http/router";
import { registerPasskey, issueTicket, registrationOptions } from "../passkeys/registration";
import { passkeySignInOptions, verifyPasskeySignIn } from "../passkeys/sign-in";
import { listPasskeys, removePasskey } from "../passkeys/own-passkeys";
import { noticePasskeyAdded } from "../two-factor/notices";

export const passkeyRoutes = router();

const PasskeyIdParam = z.object({ id: z.string().min(1).max(1400) });

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/passkey-tickets",
    operationId: "passkeyTicket",
    tags: ["account"],
    summary: "A one-time, five-minute link to the account page that registers a passkey",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("The ticket and the page to open", PasskeyTicketResponse), ...problems("unauthorized") },
  }),
  async (c) => c.json(await issueTicket(c.get("ctx"), c.get("account")), 200),
);

passkeyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me/passkeys",
    operationId: "listPasskeys",
    tags: ["account"],
    summary: "The account's passkeys",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("Passkeys, oldest first", PasskeyListResponse), ...problems("unauthorized") },
  }),
  async (c) => c.json({ passkeys: await listPasskeys(c.get("ctx"), c.get("account")) }, 200),
);

passkeyRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/v1/me/passkeys/{id}",
    operationId: "removePasskey",
    tags: ["account"],
    summary: "Remove a passkey: it no longer signs in",
    security: bearer,
    middleware: [authenticate] as const,
    request: { params: PasskeyIdParam },
    responses: { 204: { description: "Removed" }, ...problems("unauthorized", "not_found") },
  }),
  async (c) => {
    await removePasskey(c.get("ctx"), c.get("account"), c.req.valid("param").id);
    return c.body(null, 204);
  },
);

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/passkeys/registration/options",
    operationId: "passkeyRegistrationOptions",
    tags: ["account"],
    summary: "Spend a ticket for the options of navigator.credentials.create",
    request: jsonBody(PasskeyTicketRequest),
    responses: {
      200: jsonResponse("PublicKeyCredentialCreationOptionsJSON", WebAuthnOptions),
      ...problems("invalid_ticket", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => c.json(await registrationOptions(c.get("ctx"), c.req.valid("json").ticket), 200),
);

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/passkeys/registration/verify",
    operationId: "passkeyRegistrationVerify",
    tags: ["account"],
    summary: "Register the credential navigator.credentials.create made",
    request: jsonBody(PasskeyRegistrationRequest),
    responses: {
      200: jsonResponse("The new passkey", Passkey),
      ...problems("invalid_passkey", "invalid_challenge", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => {
    const ctx = c.get("ctx");
    const { response, label } = c.req.valid("json");
    const { row, passkey } = await registerPasskey(ctx, response as unknown as RegistrationResponseJSON, label);
    await noticePasskeyAdded(ctx, row);
    return c.json(passkey, 200);
  },
);

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/passkey/options",
    operationId: "passkeySignInOptions",
    tags: ["auth"],
    summary: "The options of navigator.credentials.get for a sign-in waiting for its second factor",
    request: jsonBody(PasskeySignInOptionsRequest),
    responses: {
      200: jsonResponse("PublicKeyCredentialRequestOptionsJSON", WebAuthnOptions),
      ...problems("invalid_challenge", "invalid_passkey", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => c.json(await passkeySignInOptions(c.get("ctx"), c.req.valid("json").challenge), 200),
);

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/passkey/verify",
    operationId: "passkeySignInVerify",
    tags: ["auth"],
    summary: "Check the assertion; the sign-in challenge is then completed with POST /v1/auth/second-factor {passkey: true}",
    request: jsonBody(PasskeySignInVerifyRequest),
    responses: {
      204: { description: "The passkey was right" },
      ...problems("invalid_challenge", "invalid_passkey", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => {
    const { challenge, response } = c.req.valid("json");
    await verifyPasskeySignIn(c.get("ctx"), challenge, response as unknown as AuthenticationResponseJSON);
    return c.body(null, 204);
  },
);
