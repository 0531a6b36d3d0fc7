/** The signed-in account. */
import { createRoute } from "@hono/zod-openapi";
import { AccountResponse, DeleteMeRequest, ExportResponse, UpdateMeRequest } from "@cargo-vpn/shared";
import { eraseAccount } from "../accounts/erase";
import { exportAccount } from "../accounts/export";
import { proveAuthKey } from "../auth/sign-in";
import { accountView, setTelemetryOptIn } from "../accounts/accounts";
import { serverKeys } from "../crypto/keys";
import { database } from "../db/client";
import { authenticate } from "../http/authenticate";
import { bearer, clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";

export const meRoutes = router();

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me",
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
    tags: ["account"],
    summary: "Change account settings (the telemetry opt-in)",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(UpdateMeRequest),
    responses: { 200: jsonResponse("The account", AccountResponse), ...problems("unauthorized", "validation_failed", "malformed_json") },
  }),
  async (c) => {
    const { telemetryOptIn } = c.req.valid("json");
    const row = c.get("account");
    await setTelemetryOptIn(database(c.env), row.id, telemetryOptIn);
    return c.json({ account: await accountView(await serverKeys(c.env), { ...row, telemetryOptIn }, database(c.env)) }, 200);
  },
);

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me/export",
    tags: ["account"],
    summary: "Everything held about the account",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("The account, its devices, sessions and telemetry", ExportResponse), ...problems("unauthorized") },
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
    tags: ["account"],
    summary: "Deactivate the account and erase everything about it",
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
    await proveAuthKey(c.env, keys, username, authKey, clientAddress(c.req.header("cf-connecting-ip")));
    await eraseAccount(c.env, database(c.env), row);
    return c.body(null, 204);
  },
);
