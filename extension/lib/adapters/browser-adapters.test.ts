import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { StorageArea } from "../api/token-store";
import { HOLD_PROXY } from "../config";
import { AlarmTimers } from "./alarm-timers";
import { ChromeProxySettings, type ChromeSetting } from "./chrome-proxy-settings";
import { FirefoxProxy } from "./firefox-proxy";
import { PrivacySettings, type BrowserSetting } from "./privacy";
import { ProxyAuthAnswerer } from "./proxy-auth";

const gateway = { scheme: "https" as const, host: "gw.example", port: 8443 };
const session = () => fakeBrowser.storage.session as unknown as StorageArea;

/** A Chrome-style setting with layers: the user's value, and whichever extension controls it. */
function chromeSetting(level = "controllable_by_this_extension") {
  const state = { level, value: { mode: "system" } as unknown, sets: [] as unknown[], clears: 0 };
  const setting: ChromeSetting = {
    async get() {
      return { value: state.value, levelOfControl: state.level };
    },
    async set({ value }) {
      state.value = value;
      state.sets.push(value);
      state.level = "controlled_by_this_extension";
    },
    async clear() {
      state.clears += 1;
      state.value = { mode: "system" };
      state.level = "controllable_by_this_extension";
    },
  };
  return { setting, state };
}

beforeEach(() => fakeBrowser.reset());

describe("ChromeProxySettings", () => {
  it("applies the tunnel with the current bypass list (read at apply time)", async () => {
    const { setting, state } = chromeSetting();
    let bypass = ["<local>"];
    const proxy = new ChromeProxySettings(setting, async () => bypass);
    expect(await proxy.apply({ kind: "tunnel", proxy: gateway })).toBe("ok");
    expect(state.value).toMatchObject({ mode: "fixed_servers", rules: { singleProxy: gateway, bypassList: ["<local>"] } });
    bypass = ["<-loopback>"];
    await proxy.reapply();
    expect(state.value).toMatchObject({ rules: { bypassList: ["<-loopback>"] } });
  });

  it("refuses to fight another extension and says so", async () => {
    const { setting, state } = chromeSetting("controlled_by_other_extensions");
    const proxy = new ChromeProxySettings(setting, async () => []);
    expect(await proxy.apply({ kind: "hold" })).toBe("controlled_by_other");
    expect(state.sets).toEqual([]);
    expect(await proxy.controlledByOther()).toBe(true);
  });

  it("'ok' only when the setting reads back as our proxy: a set that did not take is reported", async () => {
    const { setting, state } = chromeSetting();
    // A policy or another layer wins after our set: the value read back is not ours.
    const lying: ChromeSetting = {
      ...setting,
      async set(details) {
        await setting.set(details);
        state.value = { mode: "direct" };
      },
    };
    expect(await new ChromeProxySettings(lying, async () => []).apply({ kind: "tunnel", proxy: gateway })).toBe("controlled_by_other");
    expect(await new ChromeProxySettings(setting, async () => []).apply({ kind: "tunnel", proxy: gateway })).toBe("ok");
  });

  it("clear removes only our own layer", async () => {
    const { setting, state } = chromeSetting();
    const proxy = new ChromeProxySettings(setting, async () => []);
    await proxy.clear();
    expect(state.clears).toBe(0);
    await proxy.apply({ kind: "hold" });
    await proxy.clear();
    expect(state.clears).toBe(1);
    await proxy.reapply(); // nothing in force any more
    expect(state.sets.length).toBe(1);
  });
});

describe("FirefoxProxy", () => {
  it("at browser start, requests wait until the background decided (no direct leak while starting)", async () => {
    const auth = new ProxyAuthAnswerer(session());
    const proxy = new FirefoxProxy(session(), async () => [], auth);
    let answered: unknown;
    const pending = proxy.onRequest({ url: "https://example.com/" }).then((info) => (answered = info));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBeUndefined();
    await proxy.apply({ kind: "hold" });
    await pending;
    expect(answered).toEqual({ type: "http", host: "127.0.0.1", port: 1 });
  });

  it("tunnel requests carry the session credentials; a restarted background reads route and credentials from storage.session", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(gateway, { username: "s", password: "p", expiresAt: "2030-01-01T00:00:00Z" });
    await new FirefoxProxy(session(), async () => [], auth).apply({ kind: "tunnel", proxy: gateway });

    const restarted = new FirefoxProxy(session(), async () => ["<local>"], new ProxyAuthAnswerer(session()));
    expect(await restarted.onRequest({ url: "https://example.com/" })).toEqual({
      type: "https",
      host: "gw.example",
      port: 8443,
      proxyAuthorizationHeader: `Basic ${btoa("s:p")}`,
    });
    expect(await restarted.onRequest({ url: "http://printer/" })).toEqual({ type: "direct" });
  });

  it("clear → direct", async () => {
    const proxy = new FirefoxProxy(session(), async () => [], new ProxyAuthAnswerer(session()));
    await proxy.clear();
    expect(await proxy.onRequest({ url: "https://example.com/" })).toEqual({ type: "direct" });
  });

  it("a background that never decides stops making requests wait after the timeout: direct only if the VPN was left off", async () => {
    // 30 ms for the 10-s wait; `undecided` says whether the person left the VPN on (or fails to tell).
    const stuck = (undecided: () => Promise<{ kind: "hold" } | null>) =>
      new FirefoxProxy(session(), async () => [], new ProxyAuthAnswerer(session()), 30, undefined, undecided).onRequest({
        url: "https://example.com/",
      });
    const held = { type: HOLD_PROXY.scheme, host: HOLD_PROXY.host, port: HOLD_PROXY.port };
    expect(await stuck(async () => null)).toEqual({ type: "direct" });
    expect(await stuck(async () => ({ kind: "hold" }))).toEqual(held);
    // Not even knowing whether it was on (storage failing) holds too.
    expect(
      await stuck(async () => {
        throw new Error("storage gone");
      }),
    ).toEqual(held);
  });
});

describe("PrivacySettings", () => {
  function setting() {
    const log: string[] = [];
    const s: BrowserSetting = {
      async set({ value }) {
        log.push(`set:${String(value)}`);
      },
      async clear() {
        log.push("clear");
      },
    };
    return { s, log };
  }

  it("protect: WebRTC only over the proxy, network prediction off; restore clears both (user's values come back)", async () => {
    const webrtc = setting();
    const prediction = setting();
    const privacy = new PrivacySettings({ webRTCIPHandlingPolicy: webrtc.s, networkPredictionEnabled: prediction.s });
    await privacy.protect();
    expect(webrtc.log).toEqual(["set:disable_non_proxied_udp"]);
    expect(prediction.log).toEqual(["set:false"]);
    await privacy.restore();
    expect(webrtc.log.at(-1)).toBe("clear");
    expect(prediction.log.at(-1)).toBe("clear");
  });

  it("one failing setting does not stop the other", async () => {
    const prediction = setting();
    const errors: string[] = [];
    const privacy = new PrivacySettings(
      {
        webRTCIPHandlingPolicy: { set: async () => Promise.reject(new Error("policy")), clear: async () => {} },
        networkPredictionEnabled: prediction.s,
      },
      (message) => errors.push(message),
    );
    await privacy.protect();
    expect(prediction.log).toEqual(["set:false"]);
    expect(errors).toHaveLength(1);
  });
});

describe("AlarmTimers", () => {
  it("schedules by absolute time and clears by name", async () => {
    const timers = new AlarmTimers(fakeBrowser.alarms);
    await timers.schedule("cargo-renew", 123_456);
    expect(await fakeBrowser.alarms.get("cargo-renew")).toMatchObject({ scheduledTime: 123_456 });
    await timers.clear("cargo-renew");
    expect(await fakeBrowser.alarms.get("cargo-renew")).toBeUndefined();
  });
});

describe("StartupGuard", () => {
  function fakeDnr() {
    const dynamic = new Map<number, unknown>();
    const session = new Map<number, unknown>();
    const area = (map: Map<number, unknown>) => ({
      update: async ({ removeRuleIds = [], addRules = [] }: { removeRuleIds?: number[]; addRules?: Array<{ id: number }> }) => {
        for (const id of removeRuleIds) map.delete(id);
        for (const rule of addRules) map.set(rule.id, rule);
      },
      get: async () => [...map.values()] as Array<{ id: number }>,
    });
    const d = area(dynamic);
    const s = area(session);
    return {
      dynamic,
      session,
      api: { updateDynamicRules: d.update, getDynamicRules: d.get, updateSessionRules: s.update, getSessionRules: s.get },
    };
  }

  it("armed: blocking until released for the session; a browser restart (session rules gone) blocks again; disarm removes it", async () => {
    const { StartupGuard } = await import("./startup-guard");
    const { startupBlockRules } = await import("../proxy/startup-block-rules");
    const dnr = fakeDnr();
    const guard = new StartupGuard(dnr.api as never);
    await guard.arm(startupBlockRules(["<local>"], "http://127.0.0.1:8787"));
    expect(await guard.blocking()).toBe(true);
    await guard.release();
    await guard.release(); // idempotent
    expect(dnr.session.size).toBe(1);
    expect(await guard.blocking()).toBe(false);
    dnr.session.clear(); // browser restart
    expect(await guard.blocking()).toBe(true);
    await guard.arm(startupBlockRules([], "http://127.0.0.1:8787")); // re-arming replaces, never piles up
    expect(dnr.dynamic.size).toBe(startupBlockRules([], "http://127.0.0.1:8787").length);
    await guard.disarm();
    expect(await guard.blocking()).toBe(false);
  });
});
