/**
 * Reads an API error answer (RFC 9457 problem+json) into ErrorInfo: its code,
 * Retry-After on rate_limited, and, for device_limit, who holds the slots,
 * parsed with the shared schema so the device-limit screen never shows a
 * half-read list.
 *
 *   if (!response.ok) throw new ApiError(problemInfo(response, await response.json()));
 */
import type { ErrorInfo } from "./api-error";
import { PROBLEM_STATUS, type ProblemCode } from "./problems";
import { DeviceLimitDetails, SecondFactorChallenge } from "./schemas";

function isProblemCode(code: unknown): code is ProblemCode {
  return typeof code === "string" && Object.hasOwn(PROBLEM_STATUS, code);
}

export function problemInfo(response: Response, json: unknown): ErrorInfo {
  const body: Record<string, unknown> = typeof json === "object" && json !== null ? { ...json } : {};
  // A code this client does not know (a newer API) reads as unknown: it still gets a sentence, never the raw code.
  const code = isProblemCode(body.code) ? body.code : response.status >= 500 ? "internal" : "unknown";
  const info: ErrorInfo = { code, status: response.status };
  const slots = DeviceLimitDetails.safeParse(body);
  if (slots.success) {
    info.devices = slots.data.devices;
    info.maxDevices = slots.data.maxDevices;
  }
  const challenge = code === "second_factor_required" ? SecondFactorChallenge.safeParse(body) : null;
  if (challenge?.success) info.secondFactor = challenge.data;
  const retryAfter = Number(response.headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) info.retryAfter = retryAfter;
  return info;
}
