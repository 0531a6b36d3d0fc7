/**
 * A route group: an OpenAPIHono whose validation failures become
 * `validation_failed` problems, plus helpers for declaring routes in the
 * OpenAPI document:
 *
 *   responses: { 201: jsonResponse("The new account", AccountResponse), ...problems("username_taken", "rate_limited") },
 *   security: bearer,          // or gatewaySecret on the routes gateways call
 *
 * A route lists only its own problems; those every route of a kind can answer
 * (500, the body gatekeeping's 400/413/415, 401 where a scheme is required)
 * are added to every operation by http/openapi-document.ts.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { type ProblemCode, PROBLEM_STATUS } from "@cargo-vpn/shared";
import type { AppBindings } from "./app-bindings";
import { validationProblem } from "./errors";

export function router() {
  return new OpenAPIHono<AppBindings>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });
}

export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** Headers that come with every answer of a status, whichever code it carries. */
const RETRY_AFTER = {
  "Retry-After": { description: "Seconds to wait before trying again", required: true, schema: { type: "integer", minimum: 0 } },
} as const;
const HEADERS_BY_STATUS: Readonly<Record<string, typeof RETRY_AFTER>> = { "429": RETRY_AFTER, "503": RETRY_AFTER };

/** The OpenAPI response for problems of one status: a Problem whose `code` is one of `codes`. */
// A type, not an interface, so that it fits the registry's ResponseObject (which has an x-* index signature).
export type ProblemResponse = {
  description: string;
  headers?: typeof RETRY_AFTER;
  content: {
    "application/problem+json": {
      schema: { allOf: [{ $ref: string }, { type: "object"; properties: { code: { enum: ProblemCode[] } } }] };
    };
  };
};

export function problemResponse(status: string, codes: readonly ProblemCode[]): ProblemResponse {
  const unique = [...new Set(codes)];
  const headers = HEADERS_BY_STATUS[status];
  return {
    description: unique.join(", "),
    ...(headers ? { headers } : {}),
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: { allOf: [{ $ref: "#/components/schemas/Problem" }, { type: "object", properties: { code: { enum: unique } } }] },
      },
    },
  };
}

/** The problem codes a response entry made by problemResponse() declares (none for other responses). */
export function problemCodesOf(response: unknown): ProblemCode[] {
  const schema = (response as Partial<ProblemResponse> | undefined)?.content?.[PROBLEM_MEDIA_TYPE]?.schema;
  return schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}

/** The `responses` entries for the problems a route can answer, one per status. */
export function problems(...codes: ProblemCode[]): Record<string, ProblemResponse> {
  const byStatus = new Map<string, ProblemCode[]>();
  for (const code of codes) {
    const status = String(PROBLEM_STATUS[code]);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, problemResponse(status, list)]));
}

export function jsonBody<T>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } } as const;
}

export function jsonResponse<T>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** A user's access token (`Authorization: Bearer <JWT>`). */
export const bearer = [{ bearer: [] as string[] }];
/** A gateway's own secret (`Authorization: Bearer <gateway secret>`), not a user's token. */
export const gatewaySecret = [{ gatewaySecret: [] as string[] }];

/** The caller's address, used only to key the sign-in limiter (hashed) and never stored or logged. */
export function clientAddress(header: string | undefined): string {
  return header?.trim() || "unknown";
}
