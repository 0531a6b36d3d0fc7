/**
 * The Hono app: cross-cutting middleware, every route group, the OpenAPI
 * document generated from the same schemas the routes validate with
 * (http/openapi-document.ts), and the
 * one error renderer.
 */
import { accountRoutes } from "./routes/accounts";
import { authRoutes } from "./routes/auth";
import { deviceRoutes } from "./routes/devices";
import { healthRoutes } from "./routes/health";
import { gatewayRoutes } from "./routes/gateway";
import { meRoutes } from "./routes/me";
import { tunnelRoutes } from "./routes/tunnel";
import { telemetryRoutes } from "./routes/telemetry";
import { usageRoutes } from "./routes/usage";
import { onError } from "./http/errors";
import { billingRoutes } from "./routes/billing";
import { emailRoutes } from "./routes/email";
import { accountPageRoutes } from "./pages/account-pages";
import { limitBody, requireJsonBody } from "./http/json-body";
import { router } from "./http/router";
import { notFoundOrMethodNotAllowed } from "./http/method-not-allowed";
import { securityHeaders } from "./http/response-headers";
import { serveOpenApiDocument } from "./http/openapi-document";
import { appContext } from "./context";
import { twoFactorRoutes } from "./routes/two-factor";
import { contactRoutes } from "./routes/contacts";
import { passkeyRoutes } from "./routes/passkeys";

export function createApp() {
  const app = router();
  app.onError(onError);
  app.notFound(notFoundOrMethodNotAllowed(app));
  app.use("*", securityHeaders);
  app.use("*", limitBody, requireJsonBody);
  // One context per request: the only way routes and domain code reach the database, keys and settings.
  app.use("*", async (c, next) => {
    c.set("ctx", appContext(c.env));
    await next();
  });

  for (const routes of [
    healthRoutes,
    accountRoutes,
    authRoutes,
    meRoutes,
    deviceRoutes,
    tunnelRoutes,
    usageRoutes,
    telemetryRoutes,
    gatewayRoutes,
    billingRoutes,
    emailRoutes,
    accountPageRoutes,
    twoFactorRoutes,
    contactRoutes,
    passkeyRoutes,
  ])
    app.route("/", routes);

  serveOpenApiDocument(app);
  return app;
}
