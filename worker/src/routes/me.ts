/** The signed-in account. */
import { createRoute } from "@hono/zod-openapi";
import { AccountResponse, UpdateMeRequest } from "@cargo-vpn/shared";
import { accountView, setTelemetryOptIn } from "../accounts/accounts";
import { serverKeys } from "../crypto/keys";
import { database } from "../db/client";
import { authenticate } from "../http/authenticate";
import { bearer, jsonBody, jsonResponse, problems, router } from "../http/router";

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
    return c.json({ account: await accountView(await serverKeys(c.env), c.get("account")) }, 200);
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
    return c.json({ account: await accountView(await serverKeys(c.env), { ...row, telemetryOptIn }) }, 200);
  },
);
