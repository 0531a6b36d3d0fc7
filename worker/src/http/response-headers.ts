/**
 * Headers every answer carries, errors included (it runs outermost, after the
 * error renderer has produced its response):
 * - `Cache-Control: no-store` unless the route chose its own caching (only
 *   public documents such as the JWKS do), so no shared or browser cache keeps
 *   tokens or personal data;
 * - `X-Content-Type-Options: nosniff`;
 * - `Strict-Transport-Security` on answers to https requests, which is every
 *   request to the deployed API; local `wrangler dev` over http gets none.
 */
import type { MiddlewareHandler } from "hono";
import { HSTS_MAX_AGE_SECONDS } from "../constants";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // Responses built by fetch() or Response.redirect have immutable headers; copy them once.
  let headers = c.res.headers;
  try {
    headers.set("x-content-type-options", "nosniff");
  } catch {
    c.res = new Response(c.res.body, c.res);
    headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
  }
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  if (new URL(c.req.url).protocol === "https:") {
    headers.set("strict-transport-security", `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
  }
};
