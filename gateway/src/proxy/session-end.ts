/**
 * `POST /session/end` in origin form on the proxy's own listener (plain, TLS
 * or h2): whoever holds a tunnel credential says its session is over, and the
 * gateway cuts the session's flows and refuses the credential from then on,
 * without waiting for the next heartbeat to say so.
 *
 * Why it exists: Chromium keeps the proxy credential it last answered a 407
 * with and sends it unasked on the next requests to the same proxy, also
 * after the extension switched off and on again with a new session. Until a
 * heartbeat told the gateway the old session had ended, those requests rode
 * on it, and the heartbeat then cut them mid-page. Told at once, the gateway
 * answers the stale credential with 407, the browser asks the extension, and
 * the new session carries everything from its first request.
 *
 * The credential itself is the authority: ending a session takes nothing from
 * anyone but its holder, who could already use it. The answer is the same
 * 204 for a good, an already ended or an expired credential (nothing left to
 * end), and carries nothing to learn. Never logged per request beyond the
 * count of flows cut.
 *
 *   if (isSessionEnd(req.method, req.url)) frame(await endSession(req.headers.authorization, ender));
 */
import type http2 from "node:http2";
import { GATEWAY_SESSION_END_PATH } from "@cargo-vpn/shared/schemas";
import type { CredentialVerifier } from "../auth/credentials";
import { JWKS_RETRY_AFTER_SEC } from "./admission";

export function isSessionEnd(method: string | undefined, target: string | undefined): boolean {
  return method === "POST" && target === GATEWAY_SESSION_END_PATH;
}

export interface SessionEnder {
  verifier: CredentialVerifier;
  /** Ends the session here (and, in a cluster, in every worker). */
  end(sessionId: string): void;
}

/** What to answer; the caller frames it for its protocol (204 with no body, else `message` as plain text). */
export interface SessionEndAnswer {
  status: 204 | 401 | 503;
  headers: Record<string, string>;
  message: string;
}

/** Checks the credential in `authorization` (the same `Basic` value as `Proxy-Authorization`) and ends its session. */
export async function endSession(authorization: string | undefined, ender: SessionEnder): Promise<SessionEndAnswer> {
  const checked = await ender.verifier.check(authorization);
  if (checked.ok) ender.end(checked.sessionId);
  if (checked.ok || checked.reason === "revoked" || checked.reason === "expired") return { status: 204, headers: {}, message: "" };
  if (checked.reason === "unavailable") {
    return { status: 503, headers: { "Retry-After": String(JWKS_RETRY_AFTER_SEC) }, message: "credentials cannot be checked right now" };
  }
  return {
    status: 401,
    headers: { "WWW-Authenticate": 'Basic realm="Cargo VPN session"' },
    message: "a valid tunnel credential is required to end its session",
  };
}

/** An h2 request to the gateway itself over TLS (`:scheme https`), not a proxied http request. */
export function isH2SessionEnd(headers: http2.IncomingHttpHeaders): boolean {
  return headers[":scheme"] === "https" && isSessionEnd(headers[":method"] as string | undefined, headers[":path"] as string | undefined);
}
