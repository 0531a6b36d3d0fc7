/** Locations and tunnel sessions. */
import { createRoute } from "@hono/zod-openapi";
import {
  EndSessionResponse,
  LocationsResponse,
  RenewResponse,
  SessionIdParam,
  StartSessionRequest,
  StartSessionResponse,
} from "@cargo-vpn/shared";
import { listLocations } from "../gateways/gateways";
import { authenticate, verifyTokenOnly } from "../http/authenticate";
import { bearer, jsonBody, jsonResponse, problems, router } from "../http/router";
import { endSession, renewSession, startSession } from "../tunnel/sessions";

export const tunnelRoutes = router();

tunnelRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/locations",
    operationId: "listLocations",
    summary: "Where traffic can leave from",
    tags: ["tunnel"],
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("Where traffic can leave from", LocationsResponse), ...problems("unauthorized") },
  }),
  async (c) => c.json({ locations: await listLocations(c.get("ctx")) }, 200),
);

tunnelRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/tunnel/sessions",
    operationId: "startSession",
    tags: ["tunnel"],
    summary: "Open a tunnel session on a location (ends this device's previous ones, or only its one on that gateway with alongside)",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(StartSessionRequest),
    responses: {
      201: jsonResponse("The session, the proxy to use and its credentials", StartSessionResponse),
      ...problems("unauthorized", "validation_failed", "malformed_json", "not_found", "unavailable", "rate_limited", "too_many_sessions"),
    },
  }),
  async (c) => {
    const { locationId, alongside } = c.req.valid("json");
    return c.json(await startSession(c.get("ctx"), c.get("auth"), locationId, Date.now(), { alongside: alongside ?? false }), 201);
  },
);

tunnelRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/tunnel/sessions/{id}/renew",
    operationId: "renewSession",
    tags: ["tunnel"],
    summary: "New proxy credentials for an open session",
    security: bearer,
    // The sign-in is proved live in renewSession's one query.
    middleware: [verifyTokenOnly] as const,
    request: { params: SessionIdParam },
    responses: { 200: jsonResponse("Fresh credentials", RenewResponse), ...problems("unauthorized", "not_found", "session_ended") },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ credentials: await renewSession(c.get("ctx"), c.get("claims"), id) }, 200);
  },
);

tunnelRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/tunnel/sessions/{id}/end",
    operationId: "endSession",
    tags: ["tunnel"],
    summary: "End a session (idempotent)",
    security: bearer,
    middleware: [authenticate] as const,
    request: { params: SessionIdParam },
    responses: { 200: jsonResponse("The ended session's usage", EndSessionResponse), ...problems("unauthorized", "not_found") },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ session: await endSession(c.get("ctx"), c.get("auth"), id) }, 200);
  },
);
