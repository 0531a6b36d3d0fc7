/** Gateway authentication: each proxy node presents its own secret as a bearer token. */
import { createMiddleware } from "hono/factory";
import { database } from "../db/client";
import type { AppBindings } from "../env";
import { gatewayBySecret } from "../gateways/gateways";
import { bearerToken } from "./authenticate";
import { Problem } from "./problem";

export const authenticateGateway = createMiddleware<AppBindings>(async (c, next) => {
  const secret = bearerToken(c.req.header("authorization"));
  const gateway = secret ? await gatewayBySecret(database(c.env), secret) : undefined;
  if (!gateway) throw new Problem("unauthorized", "Send this gateway's secret as Authorization: Bearer <secret>.");
  c.set("gateway", { id: gateway.id });
  await next();
});
