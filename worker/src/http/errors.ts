/**
 * The one place errors become responses: typed Problems as they are, Hono's
 * own HTTP errors mapped to the API's codes, anything else a bare 500 with no
 * detail. Logs carry the error's class only: never a body, URL or address.
 */
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { Problem } from "../problem";

export const onError: ErrorHandler = (error) => {
  if (error instanceof Problem) return error.toResponse();
  if (error instanceof HTTPException) {
    if (error.status === 400) return new Problem("malformed_json", "The request body could not be parsed as JSON.").toResponse();
    if (error.status === 413) return new Problem("payload_too_large", "The request body is too large.").toResponse();
    if (error.status === 401) return new Problem("unauthorized", "Authentication required.").toResponse();
  }
  console.error(`internal error: ${error.name}`);
  return new Problem("internal", "An unexpected error occurred. Try again later.").toResponse();
};

/** zod's issues as docs/api.md's `errors: [{ path, message }]`. */
export function validationProblem(error: ZodError, where: string): Problem {
  const errors = error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || where,
    message: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${first.path}: ${first.message}` : "The request is not valid.";
  return new Problem("validation_failed", detail, { errors });
}
