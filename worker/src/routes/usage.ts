/** The usage history: the only activity record there is. */
import { createRoute } from "@hono/zod-openapi";
import { UsageQuery, UsageResponse } from "@cargo-vpn/shared";
import { authenticate } from "../http/authenticate";
import { bearer, jsonResponse, problems, router } from "../http/router";
import { usageHistory } from "../tunnel/sessions";

export const usageRoutes = router();

usageRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/usage",
    operationId: "getUsage",
    tags: ["usage"],
    summary: "Sessions newest first, with totals",
    security: bearer,
    middleware: [authenticate] as const,
    request: { query: UsageQuery },
    responses: { 200: jsonResponse("A page of sessions", UsageResponse), ...problems("unauthorized", "validation_failed") },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await usageHistory(c.get("ctx"), c.get("auth").accountId, limit, cursor), 200);
  },
);
