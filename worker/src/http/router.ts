/**
 * A route group: an OpenAPIHono whose validation failures become
 * `validation_failed` problems, plus helpers for declaring routes' errors in
 * the OpenAPI document.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { Problem as ProblemSchema, type ProblemCode, PROBLEM_STATUS } from "@cargo-vpn/shared";
import type { AppBindings } from "../env";
import { validationProblem } from "./errors";

export function router() {
  return new OpenAPIHono<AppBindings>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });
}

/** The `responses` entries for the problems a route can answer. */
export function problems(...codes: ProblemCode[]) {
  const byStatus: Record<string, { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } }> = {};
  for (const code of codes) {
    const status = String(PROBLEM_STATUS[code]);
    const previous = byStatus[status]?.description;
    byStatus[status] = {
      description: previous ? `${previous}, ${code}` : code,
      content: { "application/problem+json": { schema: ProblemSchema } },
    };
  }
  return byStatus;
}

export function jsonBody<T>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } } as const;
}

export function jsonResponse<T>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } } as const;
}

export const bearer = [{ bearer: [] as string[] }];

/** The caller's address, used only to key the sign-in limiter (hashed) and never stored or logged. */
export function clientAddress(header: string | undefined): string {
  return header?.trim() || "unknown";
}
