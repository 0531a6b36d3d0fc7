/**
 * The route table in shared/src/routes.ts (what typed clients are built from)
 * against the document the worker serves at GET /openapi.json, which is
 * generated from the routes themselves: the same (method, path) pairs, and for
 * each the same success status, credential (bearer / gatewaySecret / none),
 * path and query parameters, and the same top-level fields in its request and
 * answer bodies. A route added to the worker and not to the table, an entry
 * left for a route that is gone, a changed status or scheme, or a swapped
 * schema fails here.
 */
import { ROUTE_LIST, type RouteSpec, pathParamNames, routeKey } from "@cargo-vpn/shared";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { call } from "./client";

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, unknown>;
}
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** What both sides are compared on, per route key. A body is its sorted top-level field names, "free-form", or null for none. */
interface Shape {
  status: number;
  auth: string;
  params: string[];
  query: string[];
  request: string[] | "free-form" | null;
  answer: string[] | "free-form" | null;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

function resolve(doc: Document, schema: JsonSchema): JsonSchema {
  const name = schema.$ref?.replace("#/components/schemas/", "");
  return name === undefined ? schema : resolve(doc, doc.components.schemas[name]!);
}

function documentedBody(doc: Document, schema: JsonSchema | undefined): Shape["request"] {
  if (!schema) return null;
  const resolved = resolve(doc, schema);
  const fields = Object.keys(resolved.properties ?? {}).sort();
  // An object with no declared fields (`{ type: "object" }`, a loose object) takes any.
  return fields.length > 0 ? fields : "free-form";
}

function fromDocument(doc: Document): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const successes = Object.keys(operation.responses).filter((status) => status.startsWith("2"));
      expect(successes, `${method} ${path}`).toHaveLength(1);
      const status = successes[0]!;
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      shapes[`${method.toUpperCase()} ${path}`] = {
        status: Number(status),
        auth: schemes.length === 0 ? "none" : schemes.join(" "),
        params: (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
        query: (operation.parameters ?? [])
          .filter((p) => p.in === "query")
          .map((p) => p.name)
          .sort(),
        request: documentedBody(doc, operation.requestBody?.content["application/json"]?.schema),
        answer: documentedBody(doc, operation.responses[status]?.content?.["application/json"]?.schema),
      };
    }
  }
  return shapes;
}

/**
 * A zod object's field names. A loose object (z.looseObject: any other field
 * allowed) is free-form: the fields it names are the outline a client checks
 * (OpenApiDocumentResponse), not a shape the document declares.
 */
function tableBody(schema: z.ZodType | null | undefined): Shape["request"] {
  if (!schema) return null;
  const def = schema.def as { shape?: Record<string, unknown>; catchall?: { def: { type: string } } };
  if (!def.shape) throw new Error(`not an object schema: ${def}`);
  return def.catchall?.def.type === "unknown" ? "free-form" : Object.keys(def.shape).sort();
}

function fromTable(routes: readonly RouteSpec[]): Record<string, Shape> {
  return Object.fromEntries(
    routes.map((route) => [
      routeKey(route),
      {
        status: route.status,
        auth: route.auth,
        params: pathParamNames(route.path),
        query: (tableBody(route.query) as string[] | null) ?? [],
        request: tableBody(route.request),
        answer: tableBody(route.answer),
      },
    ]),
  );
}

describe("the route table (shared/src/routes.ts)", () => {
  it("lists exactly the operations GET /openapi.json declares, with their status, credential, parameters and bodies", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const documented = fromDocument(res.body as Document);
    expect(Object.keys(documented).length).toBeGreaterThanOrEqual(33);
    expect(fromTable(ROUTE_LIST)).toEqual(documented);
  });

  it("notices a missing entry, a changed status and a changed credential", async () => {
    const documented = fromDocument((await call("GET", "/openapi.json")).body as Document);
    const withoutOne = fromTable(ROUTE_LIST.filter((route) => routeKey(route) !== "POST /v1/tunnel/sessions/{id}/renew"));
    expect(withoutOne).not.toEqual(documented);
    const changed = (change: Partial<RouteSpec>) =>
      fromTable(ROUTE_LIST.map((route) => (routeKey(route) === "POST /v1/tunnel/sessions" ? { ...route, ...change } : route)));
    expect(changed({ status: 200 })).not.toEqual(documented);
    expect(changed({ auth: "none" })).not.toEqual(documented);
    expect(changed({ auth: "gatewaySecret" })).not.toEqual(documented);
    expect(changed({ answer: ROUTE_LIST.find((route) => route.path === "/v1/tunnel/sessions/{id}/end")!.answer })).not.toEqual(documented);
  });
});
