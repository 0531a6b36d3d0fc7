/**
 * Email (contract v1.1): confirming the address, resending the link,
 * changing the password, and the links asked for by address (password
 * reset, deletion) with their confirmations. The /account pages the links
 * open call these.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  ChangePasswordRequest,
  DeletionConfirmRequest,
  EmailChangeUndoRequest,
  EmailLinkRequest,
  PasswordResetConfirmRequest,
  VerifyEmailRequest,
  VerifyEmailResponse,
} from "@cargo-vpn/shared";
import { confirmDeletion } from "../accounts/deletion-by-link";
import { confirmEmail, resendVerification } from "../accounts/email-address";
import { undoEmailChange } from "../accounts/email-change";
import { changePassword, resetPassword } from "../accounts/password";
import { requestLink } from "../email/link-requests";
import { authenticate } from "../http/authenticate";
import { bearer, clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";
import { optionalAccount } from "../http/optional-account";

export const emailRoutes = router();

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/email/verify",
    operationId: "verifyEmail",
    tags: ["email"],
    summary: "Confirm the account's address with the token from a verification link (24 h, single use)",
    request: jsonBody(VerifyEmailRequest),
    responses: {
      200: jsonResponse("The address is verified", VerifyEmailResponse),
      ...problems("invalid_token", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => {
    const { token } = c.req.valid("json");
    await confirmEmail(c.get("ctx"), token);
    return c.json({ emailVerified: true as const }, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/email/verification",
    operationId: "resendVerification",
    tags: ["email"],
    summary: "Send the verification link again (at most one a minute, five a day)",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 202: { description: "Sent, unless the address is verified already" }, ...problems("unauthorized", "rate_limited") },
  }),
  async (c) => {
    await resendVerification(c.get("ctx"), c.get("account"));
    return c.body(null, 202);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/password",
    operationId: "changePassword",
    tags: ["email"],
    summary: "Change the password: every other device is signed out, a notice is sent",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(ChangePasswordRequest),
    responses: {
      204: { description: "Changed" },
      ...problems("unauthorized", "invalid_credentials", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    await changePassword(c.get("ctx"), c.get("account"), c.get("auth").deviceId, body, client);
    return c.body(null, 204);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/password-reset",
    operationId: "requestPasswordReset",
    tags: ["email"],
    summary: "Email a password-reset link (1 h); the same answer whether or not the address has an account",
    request: jsonBody(EmailLinkRequest),
    responses: { 202: { description: "Accepted" }, ...problems("validation_failed", "malformed_json", "rate_limited") },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    const owner = await optionalAccount(c.get("ctx"), c.req.header("authorization"));
    await requestLink(c.get("ctx"), c.executionCtx, "reset", email, client, owner);
    return c.body(null, 202);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/password-reset/confirm",
    operationId: "confirmPasswordReset",
    tags: ["email"],
    summary: "Set a new password with a reset link's token: every device is signed out, the address counts as verified",
    request: jsonBody(PasswordResetConfirmRequest),
    responses: {
      204: { description: "Changed" },
      ...problems("invalid_token", "username_mismatch", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await resetPassword(c.get("ctx"), body);
    return c.body(null, 204);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/deletion-request",
    operationId: "requestDeletion",
    tags: ["email"],
    summary: "Email a link (1 h) to confirm erasing the account; the same answer whether or not the address has an account",
    request: jsonBody(EmailLinkRequest),
    responses: { 202: { description: "Accepted" }, ...problems("validation_failed", "malformed_json", "rate_limited") },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    const owner = await optionalAccount(c.get("ctx"), c.req.header("authorization"));
    await requestLink(c.get("ctx"), c.executionCtx, "deletion", email, client, owner);
    return c.body(null, 202);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/deletion-request/confirm",
    operationId: "confirmDeletion",
    tags: ["email"],
    summary: "Erase the account with a deletion link's token, exactly as DELETE /v1/me does; a last message says so",
    request: jsonBody(DeletionConfirmRequest),
    responses: { 204: { description: "Erased" }, ...problems("invalid_token", "validation_failed", "malformed_json") },
  }),
  async (c) => {
    const { token } = c.req.valid("json");
    await confirmDeletion(c.get("ctx"), token);
    return c.body(null, 204);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/email/change/undo",
    operationId: "undoEmailChange",
    tags: ["email"],
    summary:
      "Undo an email change with the link sent to the address it leaves (3 days): the old address is back, every device is signed out",
    request: jsonBody(EmailChangeUndoRequest),
    responses: { 204: { description: "Undone" }, ...problems("invalid_token", "validation_failed", "malformed_json") },
  }),
  async (c) => {
    const { token } = c.req.valid("json");
    await undoEmailChange(c.get("ctx"), token);
    return c.body(null, 204);
  },
);
