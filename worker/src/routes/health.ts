/** Liveness and the public keys gateways and clients verify our JWTs with. */
import { createRoute } from "@hono/zod-openapi";
import { HealthResponse } from "@cargo-vpn/shared";
import { z } from "zod";
import { jwks } from "../crypto/tokens";
import { jsonResponse, router } from "../http/router";

export const healthRoutes = router();

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/health",
    operationId: "getHealth",
    summary: "Liveness and the deployed version",
    tags: ["health"],
    responses: { 200: jsonResponse("The API is up", HealthResponse) },
  }),
  (c) => c.json({ ok: true as const, version: c.get("ctx").settings.appVersion }, 200),
);

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/.well-known/jwks.json",
    operationId: "getJwks",
    summary: "Public keys that verify access tokens and proxy credentials",
    tags: ["health"],
    responses: {
      200: {
        ...jsonResponse(
          "Public keys of access tokens and proxy credentials",
          z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
        ),
        // The one answer a cache may keep (every other answer is no-store).
        headers: { "Cache-Control": { description: "public, max-age=300", required: true, schema: { type: "string" } } },
      },
    },
  }),
  async (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.json(jwks(await c.get("ctx").keys()) as { keys: Record<string, unknown>[] }, 200);
  },
);
