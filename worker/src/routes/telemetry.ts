/** Opt-in telemetry. */
import { createRoute } from "@hono/zod-openapi";
import { TelemetryRequest, TelemetryResponse } from "@cargo-vpn/shared";
import { authenticate } from "../http/authenticate";
import { bearer, jsonBody, jsonResponse, problems, router } from "../http/router";
import { recordTelemetry } from "../telemetry/telemetry";

export const telemetryRoutes = router();

telemetryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/telemetry",
    operationId: "sendTelemetry",
    tags: ["telemetry"],
    summary: "Connection-attempt events, only while the account opted in",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(TelemetryRequest),
    responses: {
      202: jsonResponse("Stored for 30 days", TelemetryResponse),
      ...problems("unauthorized", "telemetry_disabled", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const { events } = c.req.valid("json");
    return c.json({ accepted: await recordTelemetry(c.get("ctx"), c.get("account"), events) }, 202);
  },
);
