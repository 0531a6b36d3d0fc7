/** The signed-in account. */
import { createRoute } from "@hono/zod-openapi";
import { AccountResponse, DeleteMeRequest, ExportResponse, PatchMeRequest } from "@cargo-vpn/shared";
import { eraseWithLastMessage } from "../accounts/deletion-by-link";
import { changeEmail } from "../accounts/email-address";
import { updateSettings } from "../accounts/settings";
import { exportAccount } from "../accounts/export";
import { proveAuthKey } from "../auth/sign-in";
import { accountView } from "../accounts/accounts";
import { serverKeys } from "../crypto/keys";
import { database } from "../db/client";
import { authenticate } from "../http/authenticate";
import { bearer, clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";

export const meRoutes = router();

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me",
    operationId: "getMe",
    summary: "The signed-in account",
    tags: ["account"],
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("The account", AccountResponse), ...problems("unauthorized") },
  }),
  async (c) => {
    return c.json({ account: await accountView(await serverKeys(c.env), c.get("account"), database(c.env)) }, 200);
  },
);

meRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/v1/me",
    operationId: "updateMe",
    tags: ["account"],
    summary: "Change account settings: telemetry opt-in, new-device notices, the email address (with authKey)",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(PatchMeRequest),
    responses: {
      200: jsonResponse("The account", AccountResponse),
      ...problems("unauthorized", "invalid_credentials", "email_taken", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const { telemetryOptIn, notifyNewDevice, email, authKey } = c.req.valid("json");
    const db = database(c.env);
    const keys = await serverKeys(c.env);
    let row = c.get("account");
    // The address first: when it is refused (401, 409), nothing else changes either.
    if (email !== undefined && authKey !== undefined) {
      row = await changeEmail(
        c.env,
        db,
        keys,
        row,
        email,
        authKey,
        clientAddress(c.req.header("cf-connecting-ip")),
        c.get("auth").deviceId,
      );
    }
    const changed = await updateSettings(db, row.id, { telemetryOptIn, notifyNewDevice });
    return c.json({ account: await accountView(keys, { ...row, ...changed }, db) }, 200);
  },
);

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me/export",
    operationId: "exportMe",
    tags: ["account"],
    summary: "Everything held about the account",
    security: bearer,
    middleware: [authenticate] as const,
    responses: {
      200: {
        ...jsonResponse("The account, its devices, sessions and telemetry", ExportResponse),
        headers: {
          "Content-Disposition": {
            description: 'attachment; filename="cargo-vpn-export.json"',
            required: true,
            schema: { type: "string" },
          },
        },
      },
      ...problems("unauthorized"),
    },
  }),
  async (c) => {
    c.header("content-disposition", 'attachment; filename="cargo-vpn-export.json"');
    return c.json(await exportAccount(c.env, database(c.env), await serverKeys(c.env), c.get("account"), c.get("auth").deviceId), 200);
  },
);

meRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/v1/me",
    operationId: "deleteMe",
    tags: ["account"],
    summary: "Deactivate the account and erase everything about it; a last message says so",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(DeleteMeRequest),
    responses: {
      204: { description: "Erased" },
      ...problems("unauthorized", "invalid_credentials", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const { authKey } = c.req.valid("json");
    const keys = await serverKeys(c.env);
    const row = c.get("account");
    const username = await accountView(keys, row).then((a) => a.username);
    // Re-proving the password guards against a stolen access token erasing the account.
    await proveAuthKey(c.env, keys, username, authKey, clientAddress(c.req.header("cf-connecting-ip")), c.get("auth").deviceId);
    await eraseWithLastMessage(c.env, database(c.env), row);
    return c.body(null, 204);
  },
);
