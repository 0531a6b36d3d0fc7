/**
 * The extension's view of the one API error (shared/src/api-error.ts, thrown
 * by the shared route client): what the popup and the connection service do
 * with one. ErrorInfo is plain data so it crosses the popup/background
 * message boundary intact.
 */
import { ApiError, type ErrorInfo } from "@cargo-vpn/shared/api-error";

export { ApiError, type ErrorCode, type ErrorInfo } from "@cargo-vpn/shared/api-error";

/** Any thrown value as ErrorInfo, so callers never have to guess its shape. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  if (typeof error === "object" && error !== null && "code" in error && "status" in error) {
    return error as ErrorInfo;
  }
  return { code: "unknown", status: 0 };
}

/** Errors that may go away by themselves (worth retrying with backoff). */
export function isTransient(info: ErrorInfo): boolean {
  // A malformed answer is most often something between us and the API (a captive portal, a proxy's page): it passes.
  return (
    info.code === "network" || info.code === "rate_limited" || info.status >= 500 || info.code === "unknown" || info.code === "bad_response"
  );
}
