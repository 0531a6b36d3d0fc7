/** Called by gateways: heartbeats and usage batches. */
import { createRoute } from "@hono/zod-openapi";
import { HeartbeatRequest, HeartbeatResponse, UsageBatchRequest, UsageBatchResponse } from "@cargo-vpn/shared";
import { heartbeat } from "../gateways/gateways";
import { applyUsageBatch } from "../gateways/usage-batches";
import { authenticateGateway } from "../http/authenticate-gateway";
import { gatewaySecret, jsonBody, jsonResponse, problems, router } from "../http/router";

export const gatewayRoutes = router();

gatewayRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/gateway/heartbeat",
    operationId: "gatewayHeartbeat",
    summary: "A gateway's heartbeat: its load and the sessions it carries; answers the sessions to cut",
    tags: ["gateway"],
    security: gatewaySecret,
    middleware: [authenticateGateway] as const,
    request: jsonBody(HeartbeatRequest),
    responses: {
      200: jsonResponse("Sessions ended recently", HeartbeatResponse),
      ...problems("unauthorized", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => {
    const report = c.req.valid("json");
    return c.json({ revokedSessions: await heartbeat(c.get("ctx"), c.get("gateway").id, report) }, 200);
  },
);

gatewayRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/gateway/usage",
    operationId: "gatewayUsage",
    tags: ["gateway"],
    summary: "Byte deltas per session; a batchId is applied once",
    security: gatewaySecret,
    middleware: [authenticateGateway] as const,
    request: jsonBody(UsageBatchRequest),
    responses: {
      200: jsonResponse("How many reports this call took (0 for a repeated batchId)", UsageBatchResponse),
      // unavailable: the gateway's usage intake could not store the batch; the same batchId again counts it once.
      ...problems("unauthorized", "validation_failed", "malformed_json", "unavailable"),
    },
  }),
  async (c) => {
    const { batchId, reports } = c.req.valid("json");
    return c.json({ accepted: await applyUsageBatch(c.get("ctx"), c.get("gateway").id, batchId, reports) }, 200);
  },
);
