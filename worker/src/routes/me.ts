/** The signed-in account. */
import { createRoute } from "@hono/zod-openapi";
import { AccountResponse, DeleteMeRequest, ExportResponse, PatchMeRequest } from "@cargo-vpn/shared";
import { exportAccount } from "../accounts/export";
import { deleteOwnAccount, ownAccount, updateOwnAccount } from "../accounts/own-account";
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
    return c.json({ account: await ownAccount(c.get("ctx"), c.get("account"), c.get("billing")) }, 200);
  },
);

meRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/v1/me",
    operationId: "updateMe",
    tags: ["account"],
    summary: "Change account settings: telemetry opt-in, new-device notices (off needs authKey), the email address (with authKey)",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(PatchMeRequest),
    responses: {
      200: jsonResponse("The account", AccountResponse),
      ...problems("unauthorized", "invalid_credentials", "email_taken", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const changes = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    const account = await updateOwnAccount(c.get("ctx"), c.get("account"), c.get("billing"), c.get("auth").deviceId, changes, client);
    return c.json({ account }, 200);
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
    return c.json(await exportAccount(c.get("ctx"), c.get("account"), c.get("auth").deviceId), 200);
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
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    await deleteOwnAccount(c.get("ctx"), c.get("account"), c.get("auth").deviceId, authKey, client);
    return c.body(null, 204);
  },
);
