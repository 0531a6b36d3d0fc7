import { describe, expect, it } from "vitest";
import type { ErrorInfo } from "../api/api-error";
import { HOLD_PROXY } from "../config";
import { isProtecting, transition, type ConnectionEvent, type ConnectionState, type Effect } from "./state-machine";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const clock = { now: NOW, random: 0 };
const proxy = { scheme: "https" as const, host: "gw.example", port: 8443 };
const credentials = (minutes = 15, password = "p1") => ({
  username: "s1",
  password,
  expiresAt: new Date(NOW + minutes * 60_000).toISOString(),
});
const started: ConnectionEvent = { type: "SESSION_STARTED", session: { id: "s1", startedAt: "t" }, proxy, credentials: credentials() };
const connected: ConnectionState = {
  name: "connected",
  locationId: "fra",
  session: { id: "s1", startedAt: "t" },
  proxy,
  credentials: credentials(),
  renewAttempt: 0,
  renewAt: NOW + 720_000,
};
const network: ErrorInfo = { code: "network", status: 0 };
const types = (effects: Effect[]) => effects.map((e) => e.type);

describe("disconnected", () => {
  it("CONNECT → connecting: traffic held and privacy on before the session is even asked for", () => {
    const { state, effects } = transition({ name: "disconnected" }, { type: "CONNECT", locationId: "fra" }, clock);
    expect(state).toEqual({ name: "connecting", locationId: "fra" });
    expect(effects).toEqual([{ type: "applyHold" }, { type: "protectPrivacy" }, { type: "startSession", locationId: "fra" }]);
    expect(isProtecting(state)).toBe(true);
  });

  it("a late SESSION_STARTED (user already switched off) ends that session and stays off", () => {
    const { state, effects } = transition({ name: "disconnected" }, started, clock);
    expect(state.name).toBe("disconnected");
    expect(effects).toEqual([{ type: "endSession", sessionId: "s1" }]);
  });

  it("ignores renewals and retries that belong to an old session", () => {
    for (const event of [{ type: "RENEW_DUE" }, { type: "RETRY_DUE" }, { type: "GATEWAY_UNREACHABLE" }] as ConnectionEvent[]) {
      expect(transition({ name: "disconnected" }, event, clock)).toEqual({ state: { name: "disconnected" }, effects: [] });
    }
  });
});

describe("connecting", () => {
  const connecting: ConnectionState = { name: "connecting", locationId: "fra" };

  it("SESSION_STARTED → still connecting: the tunnel is applied, not yet announced", () => {
    const { state, effects } = transition(connecting, started, clock);
    expect(state).toMatchObject({ name: "connecting", locationId: "fra", pending: { session: { id: "s1" }, proxy } });
    expect(effects).toEqual([{ type: "cancelTimers" }, { type: "applyTunnel", proxy, credentials: credentials() }]);
  });

  it("TUNNEL_UP (the browser's setting reads back as ours) → connected: privacy on, renewal at 80% of lifetime, intent remembered", () => {
    const applying = transition(connecting, started, clock).state;
    const { state, effects } = transition(applying, { type: "TUNNEL_UP" }, clock);
    expect(state).toMatchObject({ name: "connected", locationId: "fra", session: { id: "s1" }, renewAttempt: 0 });
    expect(types(effects)).toEqual(["protectPrivacy", "scheduleRenew", "rememberIntent", "report"]);
    expect(effects).toContainEqual({ type: "scheduleRenew", at: NOW + 0.8 * 15 * 60_000 });
    expect(effects).toContainEqual({ type: "rememberIntent", locationId: "fra" });
    expect(effects).toContainEqual({ type: "report", outcome: "connected", scheme: "https" });
  });

  it("TUNNEL_UP without a session being applied changes nothing", () => {
    expect(transition(connecting, { type: "TUNNEL_UP" }, clock)).toEqual({ state: connecting, effects: [] });
    expect(transition({ name: "disconnected" }, { type: "TUNNEL_UP" }, clock).state).toEqual({ name: "disconnected" });
  });

  it("DISCONNECT while the tunnel is being applied ends that session too", () => {
    const applying = transition(connecting, started, clock).state;
    const { effects } = transition(applying, { type: "DISCONNECT" }, clock);
    expect(effects[0]).toEqual({ type: "endSession", sessionId: "s1" });
    expect(types(effects)).toContain("clearProxy");
  });

  it("a worker restart while the tunnel was being applied applies and reads it back again", () => {
    const applying = transition(connecting, started, clock).state;
    expect(transition(applying, { type: "WORKER_RESTARTED" }, clock).effects).toEqual([
      { type: "applyTunnel", proxy, credentials: credentials() },
    ]);
  });

  it("SESSION_FAILED → blocking error: the user turned the VPN on, so traffic stays held until they retry or go direct", () => {
    const { state, effects } = transition(connecting, { type: "SESSION_FAILED", error: network }, clock);
    expect(state).toEqual({ name: "error", locationId: "fra", reason: "network", blocking: true });
    expect(effects).toEqual([{ type: "report", outcome: "failed" }]);
    expect(isProtecting(state)).toBe(true);
  });

  it("PROXY_TAKEN → error naming the other extension", () => {
    const { state } = transition(connecting, { type: "PROXY_TAKEN" }, clock);
    expect(state).toMatchObject({ name: "error", reason: "proxy_controlled_by_other", blocking: false });
  });

  it("CONNECT to another location restarts with that location, still held", () => {
    const { state, effects } = transition(connecting, { type: "CONNECT", locationId: "ams" }, clock);
    expect(state).toEqual({ name: "connecting", locationId: "ams" });
    expect(effects).toEqual([{ type: "applyHold" }, { type: "startSession", locationId: "ams" }]);
  });

  it("DISCONNECT → disconnected and releases everything", () => {
    const { state, effects } = transition(connecting, { type: "DISCONNECT" }, clock);
    expect(state).toEqual({ name: "disconnected" });
    expect(types(effects)).toEqual(["cancelTimers", "clearProxy", "restorePrivacy", "rememberIntent"]);
  });
});

describe("connected", () => {
  it("RENEW_DUE renews the current session", () => {
    expect(transition(connected, { type: "RENEW_DUE" }, clock).effects).toEqual([{ type: "renew", sessionId: "s1" }]);
  });

  it("RENEWED swaps credentials for the auth answerer and schedules the next renewal", () => {
    const fresh = credentials(10, "p2");
    const { state, effects } = transition(connected, { type: "RENEWED", credentials: fresh }, clock);
    expect(state).toMatchObject({ name: "connected", credentials: fresh, renewAttempt: 0 });
    expect(effects).toEqual([
      { type: "setCredentials", proxy, credentials: fresh },
      { type: "scheduleRenew", at: NOW + 0.8 * 10 * 60_000 },
    ]);
  });

  it("RENEW_FAILED (transient) while credentials still last: stays connected and retries with backoff", () => {
    const { state, effects } = transition(connected, { type: "RENEW_FAILED", error: network }, clock);
    expect(state).toMatchObject({ name: "connected", renewAttempt: 1 });
    expect(effects).toEqual([{ type: "scheduleRenew", at: NOW + 2_000 }]);
  });

  it("RENEW_FAILED (transient) when credentials would expire first → reconnecting, traffic held", () => {
    const nearlyExpired = { ...connected, credentials: credentials(0.01) };
    const { state, effects } = transition(nearlyExpired, { type: "RENEW_FAILED", error: network }, clock);
    expect(state).toMatchObject({ name: "reconnecting", reason: "credentials_expired", attempt: 0 });
    expect(types(effects)).toEqual(["cancelTimers", "applyHold", "endSession", "startSession"]);
  });

  it("RENEW_FAILED session_ended → reconnecting with a fresh session, traffic held meanwhile", () => {
    const { state, effects } = transition(connected, { type: "RENEW_FAILED", error: { code: "session_ended", status: 409 } }, clock);
    expect(state).toMatchObject({ name: "reconnecting", locationId: "fra", reason: "session_ended" });
    expect(types(effects)).toEqual(["cancelTimers", "applyHold", "startSession"]);
  });

  it("RENEW_FAILED unauthorized → blocking error: traffic stays held, never released to direct", () => {
    const { state, effects } = transition(connected, { type: "RENEW_FAILED", error: { code: "unauthorized", status: 401 } }, clock);
    expect(state).toEqual({ name: "error", locationId: "fra", reason: "unauthorized", blocking: true });
    expect(types(effects)).toEqual(["cancelTimers", "applyHold"]);
    expect(isProtecting(state)).toBe(true);
  });

  it("GATEWAY_UNREACHABLE → reconnecting, holds traffic and ends the old session", () => {
    const { state, effects } = transition(connected, { type: "GATEWAY_UNREACHABLE" }, clock);
    expect(state).toMatchObject({ name: "reconnecting", reason: "gateway_unreachable" });
    expect(effects).toEqual([
      { type: "cancelTimers" },
      { type: "applyHold" },
      { type: "endSession", sessionId: "s1" },
      { type: "startSession", locationId: "fra" },
    ]);
  });

  it("CONNECT to the same location is a no-op; to another one switches through reconnecting", () => {
    expect(transition(connected, { type: "CONNECT", locationId: "fra" }, clock)).toEqual({ state: connected, effects: [] });
    const { state, effects } = transition(connected, { type: "CONNECT", locationId: "ams" }, clock);
    expect(state).toEqual({ name: "reconnecting", locationId: "ams", attempt: 0 });
    expect(types(effects)).toEqual(["cancelTimers", "applyHold", "startSession"]);
  });

  it("PROXY_TAKEN → non-blocking error (we no longer control routing), privacy restored, session ended", () => {
    const { state, effects } = transition(connected, { type: "PROXY_TAKEN" }, clock);
    expect(state).toMatchObject({ name: "error", reason: "proxy_controlled_by_other", blocking: false });
    expect(types(effects)).toEqual(["cancelTimers", "restorePrivacy", "endSession"]);
  });

  it("DISCONNECT ends the session and releases proxy, privacy, timers and intent", () => {
    const { state, effects } = transition(connected, { type: "DISCONNECT" }, clock);
    expect(state).toEqual({ name: "disconnected" });
    expect(effects).toEqual([
      { type: "endSession", sessionId: "s1" },
      { type: "cancelTimers" },
      { type: "clearProxy" },
      { type: "restorePrivacy" },
      { type: "rememberIntent", locationId: null },
    ]);
  });

  it("SIGNED_OUT → blocking error with traffic held", () => {
    const { state, effects } = transition(connected, { type: "SIGNED_OUT" }, clock);
    expect(state).toEqual({ name: "error", locationId: "fra", reason: "unauthorized", blocking: true });
    expect(types(effects)).toEqual(["cancelTimers", "applyHold"]);
  });

  it("a stray SESSION_STARTED (from an earlier attempt) is ended, the live session kept", () => {
    const stray = { ...started, session: { id: "s0", startedAt: "t" } } as ConnectionEvent;
    expect(transition(connected, stray, clock)).toEqual({ state: connected, effects: [{ type: "endSession", sessionId: "s0" }] });
  });
});

describe.each(["held", "reconnecting"] as const)("%s", (name) => {
  const state = { name, locationId: "fra", attempt: 0 } as Extract<ConnectionState, { name: "held" | "reconnecting" }>;

  it("SESSION_STARTED applies the tunnel (still held); TUNNEL_UP → connected", () => {
    const next = transition({ ...state, retryAt: NOW }, started, clock);
    expect(next.state).toMatchObject({ name, pending: { session: { id: "s1" } } });
    expect(next.state).not.toHaveProperty("retryAt");
    expect(types(next.effects)).toEqual(["cancelTimers", "applyTunnel"]);
    expect(transition(next.state, { type: "TUNNEL_UP" }, clock).state.name).toBe("connected");
  });

  it("SESSION_FAILED (transient) stays held and retries with growing backoff", () => {
    const first = transition(state, { type: "SESSION_FAILED", error: network }, clock);
    expect(first.state).toEqual({ name, locationId: "fra", attempt: 1, reason: "network", retryAt: NOW + 2_000 });
    expect(first.effects).toEqual([
      { type: "scheduleRetry", at: NOW + 2_000 },
      { type: "report", outcome: "failed" },
    ]);
    const second = transition(first.state, { type: "SESSION_FAILED", error: { code: "internal", status: 500 } }, clock);
    expect(second.state).toMatchObject({ attempt: 2, retryAt: NOW + 5_000 });
    expect(isProtecting(second.state)).toBe(true);
  });

  it("SESSION_FAILED (fatal) → blocking error, traffic still held", () => {
    const next = transition(state, { type: "SESSION_FAILED", error: { code: "unauthorized", status: 401 } }, clock);
    expect(next.state).toEqual({ name: "error", locationId: "fra", reason: "unauthorized", blocking: true });
    expect(types(next.effects)).not.toContain("clearProxy");
  });

  it("RETRY_DUE starts another session", () => {
    const next = transition({ ...state, retryAt: NOW }, { type: "RETRY_DUE" }, clock);
    expect(next.effects).toEqual([{ type: "startSession", locationId: "fra" }]);
    expect(next.state).toMatchObject({ name, retryAt: undefined });
  });

  it("CONNECT retries at once (optionally another location)", () => {
    const next = transition({ ...state, attempt: 3 }, { type: "CONNECT", locationId: "ams" }, clock);
    expect(next.state).toEqual({ name, locationId: "ams", attempt: 0 });
    expect(next.effects).toEqual([{ type: "cancelTimers" }, { type: "startSession", locationId: "ams" }]);
  });

  it("DISCONNECT (go direct) is the only way traffic is released", () => {
    const next = transition(state, { type: "DISCONNECT" }, clock);
    expect(next.state).toEqual({ name: "disconnected" });
    expect(types(next.effects)).toEqual(["cancelTimers", "clearProxy", "restorePrivacy", "rememberIntent"]);
  });

  it("PROXY_TAKEN → non-blocking error", () => {
    expect(transition(state, { type: "PROXY_TAKEN" }, clock).state).toMatchObject({ name: "error", blocking: false });
  });
});

describe("error", () => {
  it("CONNECT after a non-blocking error starts a normal connection, held from the start", () => {
    const next = transition({ name: "error", reason: "network", blocking: false }, { type: "CONNECT", locationId: "fra" }, clock);
    expect(next.state).toEqual({ name: "connecting", locationId: "fra" });
    expect(types(next.effects)).toEqual(["applyHold", "protectPrivacy", "startSession"]);
  });

  it("CONNECT after a blocking error keeps traffic held while retrying", () => {
    const next = transition(
      { name: "error", reason: "unauthorized", blocking: true, locationId: "fra" },
      { type: "CONNECT", locationId: "fra" },
      clock,
    );
    expect(next.state).toMatchObject({ name: "reconnecting", locationId: "fra" });
    expect(types(next.effects)).toEqual(["applyHold", "startSession"]);
  });

  it("DISCONNECT releases traffic", () => {
    const next = transition({ name: "error", reason: "unauthorized", blocking: true }, { type: "DISCONNECT" }, clock);
    expect(next.state).toEqual({ name: "disconnected" });
    expect(types(next.effects)).toContain("clearProxy");
  });

  it("SIGNED_OUT in a non-blocking error just goes to disconnected", () => {
    expect(transition({ name: "error", reason: "network", blocking: false }, { type: "SIGNED_OUT" }, clock).state).toEqual({
      name: "disconnected",
    });
  });
});

describe("worker restart", () => {
  it("connecting: the lost start is asked for again", () => {
    const next = transition({ name: "connecting", locationId: "fra" }, { type: "WORKER_RESTARTED" }, clock);
    expect(next).toEqual({ state: { name: "connecting", locationId: "fra" }, effects: [{ type: "startSession", locationId: "fra" }] });
  });

  it("held/reconnecting with an attempt in flight: asked again; with a retry alarm pending: left to the alarm", () => {
    for (const name of ["held", "reconnecting"] as const) {
      expect(transition({ name, locationId: "fra", attempt: 1 }, { type: "WORKER_RESTARTED" }, clock).effects).toEqual([
        { type: "startSession", locationId: "fra" },
      ]);
      expect(
        transition({ name, locationId: "fra", attempt: 1, retryAt: NOW + 5_000 }, { type: "WORKER_RESTARTED" }, clock).effects,
      ).toEqual([]);
    }
  });

  it("connected and settled states: nothing to do (alarms survive the worker)", () => {
    expect(transition(connected, { type: "WORKER_RESTARTED" }, clock)).toEqual({ state: connected, effects: [] });
    expect(transition({ name: "disconnected" }, { type: "WORKER_RESTARTED" }, clock).effects).toEqual([]);
  });
});

describe("browser start", () => {
  it("with a location to resume: held — traffic parked before anything else, then reconnect", () => {
    const next = transition({ name: "disconnected" }, { type: "BROWSER_START", resumeLocationId: "fra" }, clock);
    expect(next.state).toEqual({ name: "held", locationId: "fra", attempt: 0 });
    expect(next.effects).toEqual([{ type: "applyHold" }, { type: "protectPrivacy" }, { type: "startSession", locationId: "fra" }]);
    expect(isProtecting(next.state)).toBe(true);
  });

  it("without: disconnected, and a proxy left over from the previous run is cleared", () => {
    const next = transition({ name: "disconnected" }, { type: "BROWSER_START", resumeLocationId: null }, clock);
    expect(next.state).toEqual({ name: "disconnected" });
    expect(types(next.effects)).toEqual(["cancelTimers", "clearProxy", "restorePrivacy"]);
  });

  it("the hold address is a loopback port, never DIRECT", () => {
    expect(HOLD_PROXY.host).toBe("127.0.0.1");
  });
});
