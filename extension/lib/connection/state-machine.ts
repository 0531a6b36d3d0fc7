/**
 * The tunnel as an explicit state machine. `transition` is pure: it takes the
 * current state, an event and the clock, and returns the next state plus the
 * effects to run. `connection-service.ts` runs the effects with the browser
 * adapters; tests drive `transition` directly, one transition at a time.
 *
 *   disconnected ──CONNECT──▶ connecting ──SESSION_STARTED──▶ (tunnel applied) ──TUNNEL_UP──▶ connected
 *        ▲                        │ SESSION_FAILED                                         │ tunnel lost / session ended
 *        │                        ▼                                                        ▼
 *        └───DISCONNECT──── error ◀── fatal failure ──────────────────────────────── reconnecting ◀─┐ retry with backoff
 *                                                                                               │
 *   browser start (was connected or auto-connect) ──▶ held ─────────────────────────────────────┘
 *
 * Invariant, the no-leak rule: from the moment the user turns the VPN on,
 * traffic is only ever released to go direct by an explicit DISCONNECT.
 * `connecting`, `held`, `reconnecting` and a blocking `error` keep traffic
 * parked on a dead proxy; `connected` is entered only once the browser's own
 * proxy setting reads back as the tunnel (TUNNEL_UP), never on the API's word alone.
 */
import type { ProxyCredentials } from "@cargo-vpn/shared/schemas";
import { isTransient, type ErrorCode, type ErrorInfo } from "../api/api-error";
import type { ProxyTarget } from "../proxy/proxy-target";
import { backoffDelay, renewAt } from "./renewal-schedule";

/** Why the connection is not (or no longer) up, in words the popup can translate. */
export type Reason = ErrorCode | "proxy_controlled_by_other" | "gateway_unreachable" | "credentials_expired";

export interface Session {
  id: string;
  startedAt: string;
}

/** A session the API has started whose tunnel is being applied to the browser (waiting for TUNNEL_UP). */
export interface PendingTunnel {
  session: Session;
  proxy: ProxyTarget;
  credentials: ProxyCredentials;
}

export type ConnectionState =
  | { name: "disconnected"; reason?: Reason }
  | { name: "held"; locationId: string; attempt: number; reason?: Reason; retryAt?: number; pending?: PendingTunnel }
  | { name: "connecting"; locationId: string; pending?: PendingTunnel }
  | {
      name: "connected";
      locationId: string;
      session: Session;
      proxy: ProxyTarget;
      credentials: ProxyCredentials;
      renewAttempt: number;
      renewAt: number;
    }
  | { name: "reconnecting"; locationId: string; attempt: number; reason?: Reason; retryAt?: number; pending?: PendingTunnel }
  /** `blocking`: traffic is still held (it was in the tunnel); the user must retry or go direct. */
  | { name: "error"; locationId?: string; reason: Reason; blocking: boolean };

export type ConnectionEvent =
  | { type: "CONNECT"; locationId: string }
  | { type: "DISCONNECT" }
  | { type: "BROWSER_START"; resumeLocationId: string | null }
  | { type: "SESSION_STARTED"; session: Session; proxy: ProxyTarget; credentials: ProxyCredentials }
  | { type: "SESSION_FAILED"; error: ErrorInfo }
  /** The browser's proxy setting reads back as the tunnel of the pending session. */
  | { type: "TUNNEL_UP" }
  | { type: "RENEW_DUE" }
  | { type: "RENEWED"; credentials: ProxyCredentials }
  | { type: "RENEW_FAILED"; error: ErrorInfo }
  | { type: "RETRY_DUE" }
  | { type: "GATEWAY_UNREACHABLE" }
  | { type: "PROXY_TAKEN" }
  | { type: "SIGNED_OUT" }
  /** The MV3 worker was stopped and started again: an API call in flight then was lost. */
  | { type: "WORKER_RESTARTED" };

export type Effect =
  | { type: "startSession"; locationId: string }
  | { type: "endSession"; sessionId: string }
  | { type: "renew"; sessionId: string }
  /** Point the browser at the gateway, answer its 407s with these credentials, read the setting back (→ TUNNEL_UP). */
  | { type: "applyTunnel"; proxy: ProxyTarget; credentials: ProxyCredentials }
  | { type: "setCredentials"; proxy: ProxyTarget; credentials: ProxyCredentials }
  /** Park traffic on a dead proxy: nothing goes direct, nothing leaks. */
  | { type: "applyHold" }
  | { type: "clearProxy" }
  | { type: "protectPrivacy" }
  | { type: "restorePrivacy" }
  | { type: "scheduleRenew"; at: number }
  | { type: "scheduleRetry"; at: number }
  | { type: "cancelTimers" }
  | { type: "rememberIntent"; locationId: string | null }
  | { type: "report"; outcome: "connected" | "failed"; scheme?: ProxyTarget["scheme"] };

export interface Clock {
  now: number;
  /** [0, 1) — jitter source */
  random: number;
}

export interface Transition {
  state: ConnectionState;
  effects: Effect[];
}

export const INITIAL_STATE: ConnectionState = { name: "disconnected" };

/** States in which traffic is (or is meant to be) inside the tunnel or held, never direct. */
export function isProtecting(state: ConnectionState): boolean {
  return (
    state.name === "connected" ||
    state.name === "connecting" ||
    state.name === "held" ||
    state.name === "reconnecting" ||
    (state.name === "error" && state.blocking)
  );
}

/** Turning the VPN on: traffic is held before the API is even asked, so nothing slips out while the tunnel comes up. */
const holdAndStart = (locationId: string): Effect[] => [
  { type: "applyHold" },
  { type: "protectPrivacy" },
  { type: "startSession", locationId },
];

const release: Effect[] = [
  { type: "cancelTimers" },
  { type: "clearProxy" },
  { type: "restorePrivacy" },
  { type: "rememberIntent", locationId: null },
];

function reasonOf(error: ErrorInfo): Reason {
  return error.code;
}

type Starting = Extract<ConnectionState, { name: "connecting" | "held" | "reconnecting" }>;

/** The API started a session: apply its tunnel, and wait for the browser to confirm it (TUNNEL_UP). */
function applying(state: Starting, event: Extract<ConnectionEvent, { type: "SESSION_STARTED" }>): Transition {
  const pending: PendingTunnel = { session: event.session, proxy: event.proxy, credentials: event.credentials };
  const effects: Effect[] = [{ type: "cancelTimers" }];
  // A second start that raced the first: the API ends the older session when a newer one starts, but say so anyway.
  if (state.pending && state.pending.session.id !== event.session.id)
    effects.push({ type: "endSession", sessionId: state.pending.session.id });
  effects.push({ type: "applyTunnel", proxy: event.proxy, credentials: event.credentials });
  const { retryAt: _retry, ...rest } = state as Starting & { retryAt?: number };
  return { state: { ...rest, pending } as ConnectionState, effects };
}

function connected(locationId: string, pending: PendingTunnel, clock: Clock): Transition {
  const at = renewAt(clock.now, Date.parse(pending.credentials.expiresAt), clock.random);
  return {
    state: {
      name: "connected",
      locationId,
      session: pending.session,
      proxy: pending.proxy,
      credentials: pending.credentials,
      renewAttempt: 0,
      renewAt: at,
    },
    effects: [
      { type: "protectPrivacy" },
      { type: "scheduleRenew", at },
      { type: "rememberIntent", locationId },
      { type: "report", outcome: "connected", scheme: pending.proxy.scheme },
    ],
  };
}

/** The pending session of a state that is starting, if any (it must be ended when the start is abandoned). */
function pendingSession(state: ConnectionState): string | undefined {
  return "pending" in state ? state.pending?.session.id : undefined;
}

type Retrying = { locationId: string; attempt: number; reason?: Reason; retryAt?: number };
const retrying = (name: "held" | "reconnecting", fields: Retrying): ConnectionState =>
  name === "held" ? { name, ...fields } : { name, ...fields };

/** A failed (re)start while traffic is held: retry if it may pass, else stop and ask the user. */
function retryOrBlock(name: "held" | "reconnecting", locationId: string, attempt: number, error: ErrorInfo, clock: Clock): Transition {
  if (isTransient(error) || error.code === "session_ended") {
    const retryAt = clock.now + backoffDelay(attempt, clock.random);
    return {
      state: retrying(name, { locationId, attempt: attempt + 1, reason: reasonOf(error), retryAt }),
      effects: [
        { type: "scheduleRetry", at: retryAt },
        { type: "report", outcome: "failed" },
      ],
    };
  }
  return {
    state: { name: "error", locationId, reason: reasonOf(error), blocking: true },
    effects: [{ type: "cancelTimers" }, { type: "report", outcome: "failed" }],
  };
}

/** Tunnel lost while connected: hold traffic and start over with a fresh session. */
function lose(locationId: string, reason: Reason | undefined, previousSessionId?: string): Transition {
  const effects: Effect[] = [{ type: "cancelTimers" }, { type: "applyHold" }];
  if (previousSessionId) effects.push({ type: "endSession", sessionId: previousSessionId });
  effects.push({ type: "startSession", locationId });
  const state: ConnectionState = { name: "reconnecting", locationId, attempt: 0 };
  if (reason) state.reason = reason;
  return { state, effects };
}

export function transition(state: ConnectionState, event: ConnectionEvent, clock: Clock): Transition {
  const same: Transition = { state, effects: [] };
  const pendingId = pendingSession(state);

  // Events that mean the same thing in every state.
  if (event.type === "BROWSER_START") {
    if (event.resumeLocationId) {
      return {
        state: { name: "held", locationId: event.resumeLocationId, attempt: 0 },
        effects: [{ type: "applyHold" }, { type: "protectPrivacy" }, { type: "startSession", locationId: event.resumeLocationId }],
      };
    }
    // Whatever a previous run left in the browser's proxy settings must not linger.
    return { state: { name: "disconnected" }, effects: [{ type: "cancelTimers" }, { type: "clearProxy" }, { type: "restorePrivacy" }] };
  }
  if (event.type === "DISCONNECT") {
    const effects: Effect[] = [...release];
    if (state.name === "connected") effects.unshift({ type: "endSession", sessionId: state.session.id });
    if (pendingId) effects.unshift({ type: "endSession", sessionId: pendingId });
    return { state: { name: "disconnected" }, effects };
  }
  if (event.type === "SIGNED_OUT") {
    if (isProtecting(state)) {
      return {
        state: { name: "error", locationId: "locationId" in state ? state.locationId : undefined, reason: "unauthorized", blocking: true },
        effects: [{ type: "cancelTimers" }, { type: "applyHold" }],
      };
    }
    return { state: { name: "disconnected" }, effects: [] };
  }
  if (event.type === "WORKER_RESTARTED") {
    // A tunnel being applied when the worker stopped: apply (and read back) again.
    if ((state.name === "connecting" || state.name === "held" || state.name === "reconnecting") && state.pending) {
      return { state, effects: [{ type: "applyTunnel", proxy: state.pending.proxy, credentials: state.pending.credentials }] };
    }
    // A start without a pending retry alarm was in flight when the worker stopped: ask again.
    if (state.name === "connecting") return { state, effects: [{ type: "startSession", locationId: state.locationId }] };
    if ((state.name === "held" || state.name === "reconnecting") && state.retryAt === undefined) {
      return { state, effects: [{ type: "startSession", locationId: state.locationId }] };
    }
    return same;
  }
  if (event.type === "TUNNEL_UP") {
    if ((state.name === "connecting" || state.name === "held" || state.name === "reconnecting") && state.pending) {
      return connected(state.locationId, state.pending, clock);
    }
    return same;
  }
  if (event.type === "SESSION_STARTED" && state.name !== "connecting" && state.name !== "held" && state.name !== "reconnecting") {
    // A start that finished after the user moved on: give the slot back.
    return { state, effects: [{ type: "endSession", sessionId: event.session.id }] };
  }

  switch (state.name) {
    case "disconnected":
      if (event.type === "CONNECT") {
        return { state: { name: "connecting", locationId: event.locationId }, effects: holdAndStart(event.locationId) };
      }
      return same;

    case "connecting":
      if (event.type === "SESSION_STARTED") return applying(state, event);
      if (event.type === "SESSION_FAILED") {
        // The user turned the VPN on: the failure keeps traffic held until they retry or go direct.
        return {
          state: { name: "error", locationId: state.locationId, reason: reasonOf(event.error), blocking: true },
          effects: [{ type: "report", outcome: "failed" }],
        };
      }
      if (event.type === "PROXY_TAKEN") {
        // We hold nothing (another extension owns the setting): say so, and give back what we changed.
        const effects: Effect[] = [{ type: "restorePrivacy" }];
        if (pendingId) effects.push({ type: "endSession", sessionId: pendingId });
        return {
          state: { name: "error", locationId: state.locationId, reason: "proxy_controlled_by_other", blocking: false },
          effects,
        };
      }
      if (event.type === "CONNECT" && event.locationId !== state.locationId) {
        const effects: Effect[] = pendingId ? [{ type: "endSession", sessionId: pendingId }] : [];
        effects.push({ type: "applyHold" }, { type: "startSession", locationId: event.locationId });
        return { state: { name: "connecting", locationId: event.locationId }, effects };
      }
      return same;

    case "held":
    case "reconnecting":
      if (event.type === "SESSION_STARTED") return applying(state, event);
      if (event.type === "SESSION_FAILED") return retryOrBlock(state.name, state.locationId, state.attempt, event.error, clock);
      if (event.type === "RETRY_DUE")
        return { state: { ...state, retryAt: undefined }, effects: [{ type: "startSession", locationId: state.locationId }] };
      if (event.type === "CONNECT") {
        const effects: Effect[] = [{ type: "cancelTimers" }];
        if (pendingId) effects.push({ type: "endSession", sessionId: pendingId }, { type: "applyHold" });
        effects.push({ type: "startSession", locationId: event.locationId });
        return {
          state: retrying(state.name, { locationId: event.locationId, attempt: 0, ...(state.reason ? { reason: state.reason } : {}) }),
          effects,
        };
      }
      if (event.type === "PROXY_TAKEN") {
        const effects: Effect[] = [{ type: "cancelTimers" }, { type: "restorePrivacy" }];
        if (pendingId) effects.push({ type: "endSession", sessionId: pendingId });
        return {
          state: { name: "error", locationId: state.locationId, reason: "proxy_controlled_by_other", blocking: false },
          effects,
        };
      }
      return same;

    case "connected":
      switch (event.type) {
        case "RENEW_DUE":
          return { state, effects: [{ type: "renew", sessionId: state.session.id }] };
        case "RENEWED": {
          const at = renewAt(clock.now, Date.parse(event.credentials.expiresAt), clock.random);
          return {
            state: { ...state, credentials: event.credentials, renewAttempt: 0, renewAt: at },
            effects: [
              { type: "setCredentials", proxy: state.proxy, credentials: event.credentials },
              { type: "scheduleRenew", at },
            ],
          };
        }
        case "RENEW_FAILED": {
          if (event.error.code === "session_ended") return lose(state.locationId, "session_ended");
          if (isTransient(event.error)) {
            const at = clock.now + backoffDelay(state.renewAttempt, clock.random);
            // Current credentials still good at the retry time: keep the tunnel, try again.
            if (at < Date.parse(state.credentials.expiresAt)) {
              return { state: { ...state, renewAttempt: state.renewAttempt + 1, renewAt: at }, effects: [{ type: "scheduleRenew", at }] };
            }
            return lose(state.locationId, "credentials_expired", state.session.id);
          }
          return {
            state: { name: "error", locationId: state.locationId, reason: reasonOf(event.error), blocking: true },
            effects: [{ type: "cancelTimers" }, { type: "applyHold" }],
          };
        }
        case "GATEWAY_UNREACHABLE":
          return lose(state.locationId, "gateway_unreachable", state.session.id);
        case "CONNECT":
          if (event.locationId === state.locationId) return same;
          // The API ends the previous session when a new one starts.
          return lose(event.locationId, undefined);
        case "PROXY_TAKEN":
          return {
            state: { name: "error", locationId: state.locationId, reason: "proxy_controlled_by_other", blocking: false },
            effects: [{ type: "cancelTimers" }, { type: "restorePrivacy" }, { type: "endSession", sessionId: state.session.id }],
          };
        default:
          return same;
      }

    case "error":
      if (event.type === "CONNECT") {
        if (state.blocking) {
          return {
            state: { name: "reconnecting", locationId: event.locationId, attempt: 0, reason: state.reason },
            effects: [{ type: "applyHold" }, { type: "startSession", locationId: event.locationId }],
          };
        }
        return { state: { name: "connecting", locationId: event.locationId }, effects: holdAndStart(event.locationId) };
      }
      return same;
  }
}
