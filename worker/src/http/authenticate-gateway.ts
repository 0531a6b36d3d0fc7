/**
 * Gateway authentication: each gateway presents its own secret as a bearer
 * token; during a secret rotation the previous one still works for a while
 * (worker/src/gateways/secrets.ts).
 */
import { createMiddleware } from "hono/factory";
import type { AppBindings } from "./app-bindings";
import { gatewayForSecret } from "../gateways/secrets";
import { bearerToken } from "./authenticate";
import { Problem } from "../problem";

export const authenticateGateway = createMiddleware<AppBindings>(async (c, next) => {
  const secret = bearerToken(c.req.header("authorization"));
  const gateway = secret ? await gatewayForSecret(c.get("ctx"), secret) : undefined;
  if (!gateway) throw new Problem("unauthorized", "Send this gateway's secret as Authorization: Bearer <secret>.");
  c.set("gateway", { id: gateway.id });
  await next();
});
