/**
 * The one admission pipeline every request goes through, whichever way it
 * came (HTTP/1.1 CONNECT, HTTP/1.1 absolute-URI, an HTTP/2 CONNECT stream or
 * an HTTP/2 plain-http request): heartbeat fence → credential → target syntax → port policy →
 * resolve once → address policy → port policy on the address. It answers the
 * resolved destination or the refusal to send; the caller only frames the
 * answer for its protocol. A new check is added here, once.
 *
 *   const admissions = new Admissions({ verifier, registry, policy, ports, resolver, refusingNewFlows, retryAfterSec });
 *   const result = await admissions.admit(req.headers["proxy-authorization"], parseAuthority(req.url));
 *   if (!result.ok) return refuse(result.refusal);
 *   dial(result.address, result.family, result.target.port);
 *
 * The per-session flow cap is not here: it is taken when the flow is
 * registered (SessionRegistry.open), which must happen right before dialling.
 */
import type { CredentialFailure, CredentialVerifier } from "../auth/credentials";
import { resolveDestination, type DestinationPolicy, type Resolver } from "../policy/destination-policy";
import type { PortPolicy } from "../policy/port-policy";
import type { SessionRegistry } from "../auth/session-registry";

export interface Refusal {
  status: number;
  message: string;
  /** what the log line says */
  reason: string;
  /** sent as Retry-After where the wait is known */
  retryAfterSec?: number;
}

/** The headers a refusal carries besides its status and text, whichever protocol frames it. */
export function refusalHeaders(refusal: Refusal): Record<string, string> {
  return refusal.retryAfterSec === undefined ? {} : { "Retry-After": String(refusal.retryAfterSec) };
}

const API_UNREACHABLE_MESSAGE =
  "this gateway cannot reach the Cargo API, so it cannot check which tunnel sessions have ended: it takes no new connections until it can; try again shortly or choose another location";

/**
 * Retry-After while the JWKS cannot be fetched: jose gives up a fetch after 5 s and tries again on the next
 * credential it has to check, so a client that waits that long meets a fresh attempt.
 */
export const JWKS_RETRY_AFTER_SEC = 5;

const AUTH_REFUSALS: Record<CredentialFailure, Refusal> = {
  missing: { status: 407, message: "proxy authentication required", reason: "auth_missing" },
  malformed: { status: 407, message: "proxy credentials are malformed", reason: "auth_malformed" },
  invalid: { status: 407, message: "proxy credentials are not valid for this gateway", reason: "auth_invalid" },
  expired: { status: 407, message: "proxy credentials have expired", reason: "auth_expired" },
  revoked: { status: 407, message: "the tunnel session has ended", reason: "auth_revoked" },
  unavailable: {
    status: 503,
    message: "credentials cannot be checked right now",
    reason: "auth_unavailable",
    retryAfterSec: JWKS_RETRY_AFTER_SEC,
  },
};

const BAD_TARGET: Refusal = { status: 400, message: "the request target must be host:port or an http:// URL", reason: "bad_target" };
export const AT_CAP: Refusal = {
  status: 429,
  message: "too many open tunnels and requests for this tunnel session",
  reason: "session_cap",
};
const UNRESOLVABLE: Refusal = { status: 502, message: "the destination name could not be resolved", reason: "unresolvable" };
const PORT_REFUSED: Refusal = {
  status: 403,
  message: "destination refused: Cargo VPN does not connect to this port",
  reason: "destination_port",
};

function policyRefusal(cls: string): Refusal {
  return {
    status: 403,
    message: `destination refused: Cargo VPN does not connect to ${cls} addresses`,
    reason: `destination_${cls}`,
  };
}

export interface Target {
  host: string;
  port: number;
}

export interface AbsoluteTarget extends Target {
  /** origin-form path and query */
  path: string;
  /** Host header value for the destination */
  hostHeader: string;
}

const MAX_HOST_CHARS = 253;

/** `host:port` or `[v6]:port` of a CONNECT request (HTTP/1.1 request target or HTTP/2 `:authority`). */
export function parseAuthority(authority: string | undefined): Target | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/.exec(authority ?? "");
  if (!match) return null;
  const port = Number(match[2]);
  const host = match[1]!;
  if (port < 1 || port > 65535 || host.length > MAX_HOST_CHARS) return null;
  return { host, port };
}

/** An absolute http:// request target. */
export function parseAbsoluteUri(uri: string | undefined): AbsoluteTarget | null {
  if (!uri || !/^http:\/\//i.test(uri)) return null;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.username || url.password || !url.hostname || url.hostname.length > MAX_HOST_CHARS) return null;
  const port = url.port ? Number(url.port) : 80;
  return { host: url.hostname, port, path: url.pathname + url.search, hostHeader: url.host };
}

export type Admitted<T extends Target> = {
  ok: true;
  sessionId: string;
  target: T;
  address: string;
  family: 4 | 6;
};

export type Admission<T extends Target> = Admitted<T> | { ok: false; refusal: Refusal };

export interface AdmissionDeps {
  verifier: CredentialVerifier;
  registry: SessionRegistry;
  policy: DestinationPolicy;
  ports: PortPolicy;
  resolver: Resolver;
  /** True while heartbeats are missed (heartbeat.ts): revocations cannot be learned, so new flows are refused. */
  refusingNewFlows: () => boolean;
  /** Retry-After of that refusal, in seconds. */
  retryAfterSec: number;
}

export class Admissions {
  constructor(private readonly deps: AdmissionDeps) {}

  /**
   * Decides one request. `target` is the parsed request target (null when it
   * did not parse); it is only looked at once the credential is good, so an
   * unauthenticated client learns nothing about targets.
   */
  async admit<T extends Target>(authorization: string | undefined, target: T | null): Promise<Admission<T>> {
    const { verifier, registry, policy, ports, resolver } = this.deps;
    if (this.deps.refusingNewFlows()) {
      return refused({ status: 503, message: API_UNREACHABLE_MESSAGE, reason: "api_unreachable", retryAfterSec: this.deps.retryAfterSec });
    }
    const auth = await verifier.check(authorization);
    if (!auth.ok) return refused(AUTH_REFUSALS[auth.reason]);
    if (!target) return refused(BAD_TARGET);
    registry.noteCredential(auth.sessionId, auth.expiresAtMs);
    if (!ports.mayTry(target.port)) return refused(PORT_REFUSED);
    const destination = await resolveDestination(target.host, policy, resolver);
    if (destination.kind === "unresolvable") return refused(UNRESOLVABLE);
    if (destination.kind === "refused") return refused(policyRefusal(destination.class));
    if (!ports.allows(target.port, destination.address)) return refused(PORT_REFUSED);
    return { ok: true, sessionId: auth.sessionId, target, address: destination.address, family: destination.family };
  }
}

const refused = (refusal: Refusal): { ok: false; refusal: Refusal } => ({ ok: false, refusal });
