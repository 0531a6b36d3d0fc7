/**
 * Request-body gatekeeping for every route, before any validation: bodies over
 * 64 KiB (1 MiB for Stripe's webhook) answer 413 without being parsed, non-JSON bodies 415, broken JSON
 * 400 malformed_json. The parsed text stays cached on the request, so the
 * route's validator does not read the body again.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_BODY_BYTES, WEBHOOK_MAX_BODY_BYTES } from "../constants";
import { Problem } from "../problem";

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;
const tooLarge = () => {
  throw new Problem("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
};

const apiLimit: MiddlewareHandler = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
// Stripe's webhook bodies can exceed the API's limit: that one route gets 1 MiB.
const webhookLimit: MiddlewareHandler = bodyLimit({
  maxSize: WEBHOOK_MAX_BODY_BYTES,
  onError: () => {
    throw new Problem("payload_too_large", `The request body is larger than ${WEBHOOK_MAX_BODY_BYTES / 1024 / 1024} MiB.`);
  },
});
export const limitBody: MiddlewareHandler = (c, next) => (c.req.path === "/v1/billing/webhook" ? webhookLimit(c, next) : apiLimit(c, next));

export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
  const text = await c.req.text();
  if (text.length === 0) return next();
  if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) {
    throw new Problem("unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
  }
  try {
    JSON.parse(text);
  } catch {
    throw new Problem("malformed_json", "The request body could not be parsed as JSON.");
  }
  return next();
};
