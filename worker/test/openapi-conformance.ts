/**
 * Checks one answer of the worker against the OpenAPI document it serves, with
 * a real JSON Schema 2020-12 validator (ajv + ajv-formats, the dialect OpenAPI
 * 3.1 uses): the path and method are in the document (or the answer is the
 * documented 404 / 405), the status is declared for that operation, the
 * content type is a declared one, the body matches its schema (a problem's
 * `code` must be one the operation lists for that status), and every declared
 * header is present and well-formed.
 *
 *   const conformance = new Conformance(doc);
 *   const mismatches = conformance.check({ method, path, status, headers, body }); // [] when it conforms
 *
 * test/openapi-conformance-setup.ts runs it over every answer the worker tests get.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

export interface Exchange {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface HeaderObject {
  required?: boolean;
  schema?: { type?: string };
}
interface ResponseObject {
  $ref?: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, unknown>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { responses?: Record<string, ResponseObject> };
}

const DOC_ID = "https://api.cargo.test/openapi.json";
/** Paths that are pages for people (HTML), deliberately not in the document. */
export const NOT_API = /^\/account\//;

const pointer = (...parts: string[]) => `#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

export class Conformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];

  constructor(private readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, DOC_ID);
    // Literal paths before templated ones, so /v1/me/export never matches a {param}.
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`),
      }))
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  /** The document's path template for a concrete path, if any. */
  template(path: string): string | undefined {
    return this.templates.find((t) => t.pattern.test(path))?.template;
  }

  check(exchange: Exchange): string[] {
    const label = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const template = this.template(exchange.path);
    if (!template) {
      if (exchange.status !== 404) return [`${label}: the path is not in the document, yet the answer is not 404`];
      return this.checkResponse(label, exchange, pointer("components", "responses", "NotFound"));
    }
    const method = exchange.method.toLowerCase();
    const operation = this.doc.paths[template]?.[method === "head" ? "get" : method];
    if (!operation) {
      if (exchange.status !== 405) return [`${label}: ${exchange.method} is not declared on ${template}, yet the answer is not 405`];
      return this.checkResponse(label, exchange, pointer("components", "responses", "MethodNotAllowed"));
    }
    const status = String(exchange.status);
    if (!(status in operation.responses)) {
      return [
        `${label}: status ${status} is not declared for ${method} ${template} (declared: ${Object.keys(operation.responses).join(", ")})`,
      ];
    }
    return this.checkResponse(label, exchange, pointer("paths", template, method === "head" ? "get" : method, "responses", status));
  }

  private checkResponse(label: string, exchange: Exchange, where: string): string[] {
    const { response, at } = this.resolve(where);
    const errors: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) errors.push(`${label}: the declared header ${name} is missing`);
        continue;
      }
      const numeric = header.schema?.type === "integer" || header.schema?.type === "number";
      if (numeric && !/^-?\d+(\.\d+)?$/.test(value)) errors.push(`${label}: header ${name} "${value}" is not a number`);
      else errors.push(...this.validate(`${label}: header ${name}`, `${at}/headers/${name}/schema`, numeric ? Number(value) : value));
    }
    const mediaType = (exchange.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const declared = Object.keys(response.content ?? {});
    if (declared.length === 0) {
      if (exchange.body.length > 0 && exchange.method !== "HEAD") errors.push(`${label}: a body is sent but none is declared`);
      return errors;
    }
    if (!declared.includes(mediaType)) return [...errors, `${label}: content type "${mediaType}" is not declared (${declared.join(", ")})`];
    if (exchange.method === "HEAD") return errors;
    let body: unknown;
    try {
      body = JSON.parse(exchange.body);
    } catch {
      return [...errors, `${label}: the body is not JSON`];
    }
    const schemaAt = `${at}/content/${mediaType.replace(/\//g, "~1")}/schema`;
    errors.push(...this.validate(`${label}: body`, schemaAt, body));
    if (mediaType === "application/problem+json" && (body as { status?: unknown }).status !== exchange.status) {
      errors.push(`${label}: the problem's status field is not the HTTP status`);
    }
    return errors;
  }

  /** A response object and where it is, following a $ref to components.responses. */
  private resolve(at: string): { response: ResponseObject; at: string } {
    let node: unknown = this.doc;
    for (const part of at.slice(2).split("/")) node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    const response = node as ResponseObject;
    return response.$ref ? this.resolve(response.$ref) : { response, at };
  }

  private validate(label: string, at: string, value: unknown): string[] {
    let validator = this.validators.get(at);
    if (!validator) {
      validator = this.ajv.compile({ $ref: DOC_ID + at });
      this.validators.set(at, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((e) => `${label} ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
