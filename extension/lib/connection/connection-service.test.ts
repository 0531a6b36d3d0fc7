import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { StartSessionResponse } from "@cargo-vpn/shared/schemas";
import { ApiError } from "../api/api-error";
import type { StorageAreas } from "../api/token-store";
import { AlarmTimers } from "../adapters/alarm-timers";
import { ProxyAuthAnswerer } from "../adapters/proxy-auth";
import { ALARM_RENEW, ALARM_RETRY } from "../config";
import { SettingsStore } from "../settings/settings-store";
import { ConnectionService, type ProxyRoute, type TunnelApi } from "./connection-service";
import { StorageConnectionStore } from "./connection-store";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const storage = () => fakeBrowser.storage as unknown as StorageAreas;

function session(id: string, password = `pw-${id}`): StartSessionResponse {
  return {
    session: { id, startedAt: new Date(NOW).toISOString() },
    proxy: { scheme: "https", host: "127.0.0.1", port: 8443 },
    credentials: { username: id, password, expiresAt: new Date(NOW + 15 * 60_000).toISOString() },
  };
}

/** A scripted API: each call pops the next answer (or error). */
function fakeApi() {
  const calls: string[] = [];
  const starts: Array<StartSessionResponse | ApiError> = [];
  const renewals: Array<StartSessionResponse["credentials"] | ApiError> = [];
  const api: TunnelApi = {
    async startSession(locationId) {
      calls.push(`start:${locationId}`);
      const next = starts.shift() ?? new ApiError({ code: "network", status: 0 });
      if (next instanceof ApiError) throw next;
      return next;
    },
    async renewSession(id) {
      calls.push(`renew:${id}`);
      const next = renewals.shift() ?? new ApiError({ code: "network", status: 0 });
      if (next instanceof ApiError) throw next;
      return next;
    },
    async endSession(id) {
      calls.push(`end:${id}`);
      return {};
    },
  };
  return { api, calls, starts, renewals };
}

function fakeProxy(owner: "us" | "other" = "us") {
  const applied: Array<ProxyRoute | "cleared"> = [];
  return {
    applied,
    owner,
    async apply(route: ProxyRoute) {
      if (this.owner === "other") return "controlled_by_other" as const;
      applied.push(route);
      return "ok" as const;
    },
    async clear() {
      applied.push("cleared");
    },
  };
}

function build(options: { proxyOwner?: "us" | "other" } = {}) {
  const api = fakeApi();
  const proxy = fakeProxy(options.proxyOwner);
  const privacy = {
    log: [] as string[],
    async protect() {
      this.log.push("protect");
    },
    async restore() {
      this.log.push("restore");
    },
  };
  const settings = new SettingsStore(storage().local, () => "device-1");
  const auth = new ProxyAuthAnswerer(storage().session);
  const reports: string[] = [];
  const make = () =>
    new ConnectionService({
      api: api.api,
      proxy,
      auth,
      privacy,
      timers: new AlarmTimers(fakeBrowser.alarms),
      store: new StorageConnectionStore(storage(), settings),
      report: (outcome) => reports.push(outcome),
      clock: () => ({ now: NOW, random: 0 }),
    });
  return { api, proxy, privacy, settings, auth, reports, service: make(), make };
}

beforeEach(() => fakeBrowser.reset());

describe("ConnectionService", () => {
  it("connects: session started, credentials handed to the auth answerer before the proxy is switched, renewal alarm set", async () => {
    const t = build();
    t.api.starts.push(session("s1"));
    await t.service.init();
    await t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await t.service.idle();

    expect(t.service.state.name).toBe("connected");
    expect(t.proxy.applied.at(-1)).toEqual({ kind: "tunnel", proxy: session("s1").proxy });
    expect(t.auth.answerNow({ requestId: "r", isProxy: true, challenger: { host: "127.0.0.1", port: 8443 } })).toEqual({
      authCredentials: { username: "s1", password: "pw-s1" },
    });
    expect(t.privacy.log).toEqual(["restore", "protect", "protect"]);
    // Held before the API was asked, then the tunnel.
    expect(t.proxy.applied).toEqual(["cleared", { kind: "hold" }, { kind: "tunnel", proxy: session("s1").proxy }]);
    const alarm = await fakeBrowser.alarms.get(ALARM_RENEW);
    expect(alarm?.scheduledTime).toBe(NOW + 12 * 60_000);
    expect(t.reports).toEqual(["connected"]);
    expect((await t.settings.get()).lastLocationId).toBe("fra");
  });

  it("is settled (what pages are told) only once the hold is applied: never 'connecting' while traffic still goes direct", async () => {
    const t = build();
    await t.service.init();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seenDuringApply: string[] = [];
    const apply = t.proxy.apply.bind(t.proxy);
    t.proxy.apply = async (route: ProxyRoute) => {
      // The browser has not taken the hold yet: a page asking now must still hear the old state.
      seenDuringApply.push(`${t.service.state.name}/${t.service.settled.name}`);
      await gate;
      return apply(route);
    };
    const connecting = t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(t.service.settled.name).toBe("disconnected");
    release();
    await connecting;
    expect(seenDuringApply).toEqual(["connecting/disconnected"]);
    expect(t.service.settled.name).toBe("connecting");
    expect(t.proxy.applied.at(-1)).toEqual({ kind: "hold" });
  });

  it("resumes after the MV3 service worker was stopped: state comes back from storage.session, nothing is re-applied", async () => {
    const t = build();
    t.api.starts.push(session("s1"));
    await t.service.init();
    await t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await t.service.idle();
    const appliedBefore = t.proxy.applied.length;

    const restarted = t.make(); // same storage, fresh memory
    await restarted.init();
    expect(restarted.state).toMatchObject({ name: "connected", session: { id: "s1" } });
    expect(t.proxy.applied.length).toBe(appliedBefore);

    // The renewal alarm fires in the new worker and renews the same session.
    t.api.renewals.push({ username: "s1", password: "pw-2", expiresAt: new Date(NOW + 10 * 60_000).toISOString() });
    await restarted.dispatch({ type: "RENEW_DUE" });
    await restarted.idle();
    expect(t.api.calls).toContain("renew:s1");
    expect(restarted.state).toMatchObject({ name: "connected", credentials: { password: "pw-2" } });
    const fresh = new ProxyAuthAnswerer(storage().session);
    expect(await fresh.answer({ requestId: "r2", isProxy: true })).toEqual({ authCredentials: { username: "s1", password: "pw-2" } });
  });

  it("a worker stopped while a connection was starting asks again on restart instead of hanging in 'connecting'", async () => {
    const t = build();
    await t.service.init();
    const neverAnswers = new Promise<StartSessionResponse>(() => {});
    t.api.api.startSession = async () => neverAnswers; // the worker dies with this call in flight
    void t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await new Promise((r) => setTimeout(r, 10));
    expect(t.service.state.name).toBe("connecting");

    const restarted = new ConnectionService({
      api: { ...fakeApi().api, startSession: async () => session("s9") },
      proxy: t.proxy,
      auth: t.auth,
      privacy: t.privacy,
      timers: new AlarmTimers(fakeBrowser.alarms),
      store: new StorageConnectionStore(storage(), t.settings),
      clock: () => ({ now: NOW, random: 0 }),
    });
    await restarted.init();
    await restarted.idle();
    expect(restarted.state).toMatchObject({ name: "connected", session: { id: "s9" } });
  });

  it("browser restart while connected: traffic is held first, then the tunnel comes back", async () => {
    const t = build();
    t.api.starts.push(session("s1"));
    await t.service.init();
    await t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await t.service.idle();

    // A browser restart wipes storage.session (and memory); storage.local keeps the intent.
    await fakeBrowser.storage.session.clear();
    t.api.starts.push(session("s2"));
    const afterRestart = t.make();
    t.proxy.applied.length = 0;
    await afterRestart.init();
    expect(t.proxy.applied[0]).toEqual({ kind: "hold" });
    await afterRestart.idle();
    expect(afterRestart.state).toMatchObject({ name: "connected", session: { id: "s2" } });
    expect(t.proxy.applied).toEqual([{ kind: "hold" }, { kind: "tunnel", proxy: session("s2").proxy }]);
  });

  it("browser restart with the API down: stays held (never direct) and schedules a retry", async () => {
    const t = build();
    await fakeBrowser.storage.local.set({ connectIntent: "fra" });
    await t.service.init();
    await t.service.idle();
    expect(t.service.state).toMatchObject({ name: "held", attempt: 1, reason: "network" });
    expect(t.proxy.applied).toEqual([{ kind: "hold" }]);
    expect(await fakeBrowser.alarms.get(ALARM_RETRY)).toBeDefined();

    t.api.starts.push(session("s3"));
    await t.service.dispatch({ type: "RETRY_DUE" });
    await t.service.idle();
    expect(t.service.state.name).toBe("connected");
  });

  it("browser start with auto-connect on and a remembered location holds and connects", async () => {
    const t = build();
    await t.settings.update({ autoConnect: true, lastLocationId: "ams" });
    t.api.starts.push(session("s1"));
    await t.service.init();
    await t.service.idle();
    expect(t.api.calls).toEqual(["start:ams"]);
    expect(t.service.state.name).toBe("connected");
  });

  it("first start with nothing to resume clears any proxy left behind", async () => {
    const t = build();
    await t.service.init();
    expect(t.service.state.name).toBe("disconnected");
    expect(t.proxy.applied).toEqual(["cleared"]);
  });

  it("another extension controls the proxy: error with that reason", async () => {
    const t = build({ proxyOwner: "other" });
    t.api.starts.push(session("s1"));
    await t.service.init();
    await t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await t.service.idle();
    expect(t.service.state).toMatchObject({ name: "error", reason: "proxy_controlled_by_other", blocking: false });
    expect(t.api.calls).toContain("end:s1");
  });

  it("connected only once the proxy setting reads back as ours: a setting that does not take is an error, never 'connected'", async () => {
    const t = build();
    t.api.starts.push(session("s1"));
    const seen: string[] = [];
    const service = new ConnectionService({
      api: t.api.api,
      proxy: {
        apply: async (route) => (route.kind === "hold" ? "ok" : "controlled_by_other"),
        clear: async () => {},
      },
      auth: t.auth,
      privacy: t.privacy,
      timers: new AlarmTimers(fakeBrowser.alarms),
      store: new StorageConnectionStore(storage(), t.settings),
      clock: () => ({ now: NOW, random: 0 }),
      onChange: (state) => seen.push(state.name),
    });
    await service.init();
    await service.dispatch({ type: "CONNECT", locationId: "fra" });
    await service.idle();
    expect(seen).not.toContain("connected");
    expect(service.state).toMatchObject({ name: "error", reason: "proxy_controlled_by_other" });
    expect(t.api.calls).toContain("end:s1");
  });

  it("each state is announced after its effects: 'connecting' once traffic is held, 'connected' once the tunnel is applied", async () => {
    const t = build();
    t.api.starts.push(session("s1"));
    const order: string[] = [];
    const service = new ConnectionService({
      api: t.api.api,
      proxy: {
        apply: async (route) => {
          order.push(`apply:${route.kind}`);
          return "ok";
        },
        clear: async () => {},
      },
      auth: t.auth,
      privacy: t.privacy,
      timers: new AlarmTimers(fakeBrowser.alarms),
      store: new StorageConnectionStore(storage(), t.settings),
      clock: () => ({ now: NOW, random: 0 }),
      onChange: (state) => order.push(state.name),
    });
    await service.init();
    await service.dispatch({ type: "CONNECT", locationId: "fra" });
    await service.idle();
    // Each state is announced only after what it promises is in force in the browser.
    expect(order).toEqual(["disconnected", "apply:hold", "connecting", "apply:tunnel", "connecting", "connected"]);
  });

  it("disconnect ends the session, clears the proxy and credentials, cancels alarms and forgets the intent", async () => {
    const t = build();
    t.api.starts.push(session("s1"));
    await t.service.init();
    await t.service.dispatch({ type: "CONNECT", locationId: "fra" });
    await t.service.idle();
    await t.service.dispatch({ type: "DISCONNECT" });
    await t.service.idle();
    expect(t.api.calls).toContain("end:s1");
    expect(t.proxy.applied.at(-1)).toBe("cleared");
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
    expect(t.auth.answerNow({ requestId: "x", isProxy: true })).toEqual({ cancel: true });
    expect((await fakeBrowser.storage.local.get("connectIntent")).connectIntent).toBeUndefined();
  });
});
