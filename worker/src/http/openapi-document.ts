/**
 * The OpenAPI 3.1 document served at GET /openapi.json: what @hono/zod-openapi
 * generates from the routes' declarations, completed centrally with what
 * holds for every route of a kind, so no route repeats it and a new route
 * cannot forget it:
 * - 500 `internal` on every operation;
 * - on every operation with a JSON body, the body gatekeeping's answers
 *   (http/json-body.ts): 400 `malformed_json` and `validation_failed`, 413, 415;
 *   on every operation with parameters, 400 `validation_failed`;
 * - 401 `unauthorized` on every operation that requires a security scheme;
 * - `Retry-After` on every 429 and 503 (router.ts adds it when a route declares them).
 * A wrong method on any path answers `components.responses.MethodNotAllowed`
 * (405 with `Allow`), and a path that does not exist `NotFound`; OpenAPI has no
 * per-path place for those, so they are components named in the description.
 * The /account pages are for people, not API clients, and are left out.
 *
 *   serveOpenApiDocument(app);   // after every route group is added
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Problem, type ProblemCode } from "@cargo-vpn/shared";
import type { AppBindings } from "./app-bindings";
import { PROBLEM_MEDIA_TYPE, problemCodesOf, problemResponse, problems } from "./router";

type App = OpenAPIHono<AppBindings>;
type Document = ReturnType<App["getOpenAPI31Document"]>;

/** The parts of an operation object this module reads and completes. */
interface Operation {
  requestBody?: unknown;
  parameters?: unknown[];
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

const BODY_PROBLEMS: ProblemCode[] = ["validation_failed", "malformed_json", "payload_too_large", "unsupported_media_type"];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const DESCRIPTION = `Accounts with zero-knowledge sign-in, device slots, tunnel sessions, usage, email and plans.

Every error is ${PROBLEM_MEDIA_TYPE} (RFC 9457) with a \`code\`; each response lists the codes it can carry. Every operation can answer 500 \`internal\`. A method a path does not take answers 405 \`method_not_allowed\` with an \`Allow\` header (components.responses.MethodNotAllowed); a path that does not exist answers 404 \`not_found\` (components.responses.NotFound). 429 and 503 come with \`Retry-After\` (seconds). The /account pages that email links open are HTML for people, not part of this API.`;

function implicitProblems(operation: Operation): ProblemCode[] {
  const codes: ProblemCode[] = ["internal"];
  if (operation.requestBody) codes.push(...BODY_PROBLEMS);
  if (operation.parameters?.length) codes.push("validation_failed");
  if (operation.security?.some((requirement) => Object.keys(requirement).length > 0)) codes.push("unauthorized");
  return codes;
}

function complete(operation: Operation): void {
  for (const [status, response] of Object.entries(problems(...implicitProblems(operation)))) {
    const declared = operation.responses[status];
    if (declared !== undefined && problemCodesOf(declared).length === 0) continue; // not a problem response: leave it be
    operation.responses[status] = problemResponse(status, [...problemCodesOf(declared), ...problemCodesOf(response)]);
  }
}

function registerShared(app: App): void {
  const registry = app.openAPIRegistry;
  registry.register("Problem", Problem);
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A user's access token from POST /v1/auth/login or /v1/auth/refresh.",
  });
  registry.registerComponent("securitySchemes", "gatewaySecret", {
    type: "http",
    scheme: "bearer",
    description: "A gateway's own secret (given when it is provisioned), sent as Authorization: Bearer <secret>.",
  });
  registry.registerComponent("responses", "NotFound", problemResponse("404", ["not_found"]));
  registry.registerComponent("responses", "MethodNotAllowed", {
    ...problemResponse("405", ["method_not_allowed"]),
    headers: { Allow: { description: "The methods this path takes", required: true, schema: { type: "string" } } },
  });
  registry.registerPath({
    method: "get",
    path: "/openapi.json",
    tags: ["health"],
    operationId: "getOpenApiDocument",
    summary: "This OpenAPI 3.1 document",
    responses: { 200: { description: "The document", content: { "application/json": { schema: { type: "object" } } } } },
  });
}

function openApiDocument(app: App, serverUrl: string): Document {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Cargo VPN edge API", version: "1", description: DESCRIPTION },
    servers: [{ url: serverUrl }],
  });
  for (const item of Object.values(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) complete(operation);
    }
  }
  return doc;
}

export function serveOpenApiDocument(app: App): void {
  registerShared(app);
  let cached: { serverUrl: string; doc: Document } | undefined;
  app.get("/openapi.json", (c) => {
    // The deployment's public origin; locally, whatever origin was asked.
    const serverUrl = c.get("ctx").settings.publicBaseUrl ?? new URL(c.req.url).origin;
    if (cached?.serverUrl !== serverUrl) cached = { serverUrl, doc: openApiDocument(app, serverUrl) };
    return c.json(cached.doc);
  });
}
