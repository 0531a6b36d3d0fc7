/**
 * Every message between the pages and the background, end to end through the
 * (fake) runtime messaging: page-side `request` → `createMessageListener` →
 * the real handlers → the API client → an in-memory API that validates each
 * body against the shared schemas.
 */
import { deriveAuthKey, newKdfParams } from "@cargo-vpn/shared/kdf";
import type { Language } from "@cargo-vpn/shared/languages";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { createFakeApi } from "../../tests/support/fake-api";
import type { ApiError } from "../api/api-error";
import { createApiClient } from "../api/client";
import { createTokenStore, type StorageAreas } from "../api/token-store";
import { AlarmTimers } from "../adapters/alarm-timers";
import { ProxyAuthAnswerer } from "../adapters/proxy-auth";
import { createHandlers } from "../background/handlers";
import { PasskeySignIn } from "../background/passkey-sign-in";
import { ConnectionService, type ProxyRoute } from "../connection/connection-service";
import { StorageConnectionStore } from "../connection/connection-store";
import { SettingsStore } from "../settings/settings-store";
import { SiteRulesStore } from "../sites/site-rules-store";
import { SiteTunnels } from "../sites/site-tunnels";
import { codeFor } from "../../tests/support/fake-two-factor";
import { createMessageListener, request, REQUEST_TYPES, type Message, type RequestType } from "./protocol";

const covered = new Set<RequestType>();
const send = (message: Message) => {
  covered.add(message.type);
  return fakeBrowser.runtime.sendMessage(message);
};
const ask = <K extends RequestType>(type: K, payload: Parameters<typeof request<K>>[2]) => request(send, type, payload);

// A low iteration count keeps the suite fast; the real KDF path is the same function.
const kdf = newKdfParams(600_000);
let authKey: string;
let wrongKey: string;
beforeAll(async () => {
  authKey = await deriveAuthKey("correct horse battery", kdf);
  wrongKey = await deriveAuthKey("wrong password!!", kdf);
});

function boot(server = createFakeApi(), options: { storeBuild?: boolean; now?: number; language?: Language } = {}) {
  const opened: string[] = [];
  const storage = fakeBrowser.storage as unknown as StorageAreas;
  const settings = new SettingsStore(storage.local, undefined, !options.storeBuild);
  const tokens = createTokenStore(storage);
  const api = createApiClient({
    baseUrl: async () => (await settings.get()).apiUrl,
    tokens,
    fetch: server.fetch,
    deviceSecret: async () => (await settings.get()).deviceSecret,
  });
  const routes: Array<ProxyRoute | "cleared"> = [];
  const auth = new ProxyAuthAnswerer(storage.session);
  const siteRules = new SiteRulesStore(storage.local);
  let siteTunnels: SiteTunnels | undefined;
  const connection: ConnectionService = new ConnectionService({
    api: {
      startSession: async (locationId) => api.startSession(locationId, { alongside: (await siteRules.list()).length > 0 }),
      renewSession: (id) => api.renewSession(id),
      endSession: (id) => api.endSession(id),
    },
    onChange: (state) => void siteTunnels?.update(state),
    proxy: {
      apply: async (r) => {
        routes.push(r);
        return "ok";
      },
      clear: async () => void routes.push("cleared"),
    },
    auth,
    privacy: { protect: async () => {}, restore: async () => {} },
    timers: new AlarmTimers(fakeBrowser.alarms),
    store: new StorageConnectionStore(storage, settings),
  });
  let rerouted = 0;
  siteTunnels = new SiteTunnels({
    api,
    rules: () => siteRules.list(),
    mainLocation: () => ("locationId" in connection.state ? (connection.state.locationId ?? null) : null),
    area: storage.session,
    auth,
    routesChanged: async () => void rerouted++,
    timers: new AlarmTimers(fakeBrowser.alarms),
  });
  const passkeySignIn = new PasskeySignIn({
    area: storage.session,
    complete: async (challenge, username) => void (await api.completeSecondFactor({ challenge, passkey: true }, username)),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms / 100)),
  });
  const handlers = createHandlers({
    ...(options.language ? { language: () => options.language! } : {}),
    passkeySignIn,
    api,
    tokens,
    settings,
    connection,
    device: { kind: "chrome", label: "Chrome on Linux" },
    proxyControlledByOther: async () => false,
    onRoutingChanged: async () => void rerouted++,
    apiUrlEditable: !options.storeBuild,
    openTab: async (url) => void opened.push(url),
    locationCache: {
      get: async () => ((await storage.local.get("locations")).locations as never) ?? null,
      set: (locations) => storage.local.set({ locations }),
    },
    now: () => options.now ?? Date.now(),
    sites: { rules: siteRules, tunnels: siteTunnels!, activeTabUrl: async () => "https://www.news.example.co.uk/story" },
  });
  fakeBrowser.runtime.onMessage.addListener(createMessageListener(handlers, fakeBrowser.runtime.id) as never);
  return { server, connection, routes, rerouted: () => rerouted, settings, opened, tokens, auth, siteTunnels };
}

async function signUpAndIn() {
  await ask("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
  await ask("signIn", { username: "alice", authKey });
}

beforeEach(() => fakeBrowser.reset());

describe("popup ↔ background protocol", () => {
  it("getStatus when signed out", async () => {
    boot();
    const status = await ask("getStatus", undefined);
    expect(status).toMatchObject({ signedIn: false, account: null, connection: { state: "disconnected" }, proxyControlledByOther: false });
  });

  it("prelogin returns the account's KDF parameters", async () => {
    boot();
    await ask("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
    expect(await ask("prelogin", { username: "alice" })).toEqual(kdf);
  });

  it("register refuses without the age confirmation (age_requirement) and on a taken username", async () => {
    boot();
    await expect(ask("register", { username: "bob", email: "bob@example.com", authKey, kdf, ageConfirmed: false })).rejects.toMatchObject({
      info: { code: "age_requirement", status: 422 },
    });
    await ask("register", { username: "bob", email: "bob@example.com", authKey, kdf, ageConfirmed: true });
    await expect(ask("register", { username: "bob", email: "b2@example.com", authKey, kdf, ageConfirmed: true })).rejects.toMatchObject({
      info: { code: "username_taken" },
    });
  });

  it("signIn with the right authKey signs in; a wrong one is invalid_credentials", async () => {
    boot();
    await ask("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
    await expect(ask("signIn", { username: "alice", authKey: wrongKey })).rejects.toMatchObject({ info: { code: "invalid_credentials" } });
    await ask("signIn", { username: "alice", authKey });
    const status = await ask("getStatus", undefined);
    expect(status.signedIn).toBe(true);
    expect(status.account?.username).toBe("alice");
  });

  it("signIn at the device limit answers device_limit with the devices; replaceDevice frees that slot and signs in", async () => {
    const server = createFakeApi({ maxDevices: 1 });
    boot(server);
    await signUpAndIn();
    const first = (await ask("getDevices", undefined)).devices[0]!;
    // Same account from another install: a new device id.
    await fakeBrowser.storage.local.clear();
    const error = (await ask("signIn", { username: "alice", authKey }).catch((e: unknown) => e)) as ApiError;
    expect(error.info).toMatchObject({ code: "device_limit", maxDevices: 1 });
    expect(error.info.devices?.map((d) => d.label)).toEqual([first.label]);
    await ask("signIn", { username: "alice", authKey, replaceDevice: error.info.devices![0]!.handle });
    const devices = await ask("getDevices", undefined);
    expect(devices.devices).toHaveLength(1);
    expect(devices.devices[0]!.id).not.toBe(first.id);
    expect(devices.devices[0]!.current).toBe(true);
  });

  it("the device secret (issue 20 item 4): made once, sent on every sign-in, so signing in again keeps the one slot", async () => {
    const server = createFakeApi({ maxDevices: 1 });
    const { settings } = boot(server);
    await signUpAndIn();
    const { deviceId, deviceSecret } = await settings.get();
    expect(deviceSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.accounts.get("alice")!.devices.map((d) => d.id)).toEqual([deviceId]);
    // The one slot is this install's: without its secret this sign-in would be a second device, and device_limit.
    await ask("signIn", { username: "alice", authKey });
    expect(server.accounts.get("alice")!.devices.map((d) => d.id)).toEqual([deviceId]);
    expect(await settings.get()).toMatchObject({ deviceId, deviceSecret });
  });

  it("keeps the device id a sign-in answers when it differs from the one sent (that id was another slot's)", async () => {
    const server = createFakeApi({ maxDevices: 2 });
    const { settings } = boot(server);
    await signUpAndIn();
    const theirs = (await settings.get()).deviceId;
    // This install now claims that id with another secret (an id copied from elsewhere): it is a new device.
    await settings.update({ deviceSecret: "A".repeat(43) });
    await ask("signIn", { username: "alice", authKey });
    const ours = await settings.get();
    expect(ours.deviceId).not.toBe(theirs);
    expect(server.accounts.get("alice")!.devices.map((d) => d.id)).toEqual([theirs, ours.deviceId]);
    await ask("signIn", { username: "alice", authKey });
    expect(server.accounts.get("alice")!.devices).toHaveLength(2);
  });

  it("getLocations, connect, getStatus (connected), disconnect", async () => {
    const { routes } = boot();
    await signUpAndIn();
    const locations = await ask("getLocations", undefined);
    expect(locations.map((l) => l.id)).toEqual(["loc-local"]);
    // The answer comes once traffic is held: the page may show the switch on from here.
    expect(await ask("connect", { locationId: "loc-local" })).toEqual({ state: "connecting", locationId: "loc-local" });
    expect(routes.at(-1)).toEqual({ kind: "hold" });
    await new Promise((r) => setTimeout(r, 20));
    const status = await ask("getStatus", undefined);
    expect(status.connection).toMatchObject({ state: "connected", locationId: "loc-local" });
    expect(status.connection.sessionId).toMatch(/^sess-/);
    expect(status.lastLocationId).toBe("loc-local");
    expect(routes.at(-1)).toEqual({ kind: "tunnel", proxy: { scheme: "http", host: "127.0.0.1", port: 3128 } });
    // The view handed to the popup never carries proxy credentials.
    expect(JSON.stringify(status)).not.toContain("pw-");

    expect(await ask("disconnect", undefined)).toEqual({ state: "disconnected" });
    expect((await ask("getStatus", undefined)).connection.state).toBe("disconnected");
    expect(routes.at(-1)).toBe("cleared");
  });

  it("getStatus carries the locations fetched last (the popup's first paint), and none when signed out", async () => {
    boot();
    expect((await ask("getStatus", undefined)).locations).toBeNull();
    await signUpAndIn();
    expect((await ask("getStatus", undefined)).locations).toBeNull();
    await ask("getLocations", undefined);
    expect((await ask("getStatus", undefined)).locations?.map((l) => l.id)).toEqual(["loc-local"]);
    await ask("signOut", undefined);
    expect((await ask("getStatus", undefined)).locations).toBeNull();
  });

  it("connect while signed out is refused as unauthorized", async () => {
    boot();
    await expect(ask("connect", { locationId: "loc-local" })).rejects.toMatchObject({ info: { code: "unauthorized" } });
  });

  it("getUsage returns sessions newest first with totals and a cursor", async () => {
    boot();
    await signUpAndIn();
    for (let i = 0; i < 3; i++) {
      await ask("connect", { locationId: "loc-local" });
      await new Promise((r) => setTimeout(r, 10));
      await ask("disconnect", undefined);
    }
    const usage = await ask("getUsage", {});
    expect(usage.totals.sessions).toBe(3);
    expect(usage.sessions.every((s) => s.endedAt !== null)).toBe(true);
    expect(usage.nextCursor).toBeNull();
  });

  it("getDevices and removeDevice", async () => {
    const server = createFakeApi({ maxDevices: 3 });
    boot(server);
    await signUpAndIn();
    const record = server.accounts.get("alice")!;
    record.devices.push({
      id: "other-device-1",
      kind: "firefox",
      label: "Firefox on Windows",
      registeredAt: "x",
      lastSeenAt: "x",
      lastActiveOn: "x",
      current: false,
    });
    expect((await ask("getDevices", undefined)).devices).toHaveLength(2);
    await ask("removeDevice", { id: "other-device-1" });
    expect((await ask("getDevices", undefined)).devices.map((d) => d.label)).toEqual(["Chrome on Linux"]);
    await expect(ask("removeDevice", { id: "other-device-1" })).rejects.toMatchObject({ info: { code: "not_found" } });
  });

  it("getSettings / saveSettings: defaults, validation, telemetry opt-in through the API, re-routing while connected", async () => {
    const { rerouted, server } = boot();
    const initial = await ask("getSettings", undefined);
    expect(initial).toMatchObject({
      apiUrl: "http://127.0.0.1:8787",
      apiUrlEditable: true,
      autoConnect: false,
      telemetryOptIn: false,
      signedIn: false,
    });
    expect(initial.bypassList).toContain("192.168.0.0/16");
    await expect(ask("saveSettings", { bypassList: ["bad host"] })).rejects.toMatchObject({ info: { code: "validation_failed" } });
    await expect(ask("saveSettings", { apiUrl: "ftp://x" })).rejects.toMatchObject({ info: { code: "validation_failed" } });
    await expect(ask("saveSettings", { telemetryOptIn: true })).rejects.toMatchObject({ info: { code: "unauthorized" } });

    await signUpAndIn();
    const saved = await ask("saveSettings", { autoConnect: true, bypassList: ["<-loopback>"], telemetryOptIn: true });
    expect(saved).toMatchObject({ autoConnect: true, bypassList: ["<-loopback>"], telemetryOptIn: true, signedIn: true });
    expect(server.accounts.get("alice")!.account.telemetryOptIn).toBe(true);
    expect(rerouted()).toBe(0);
    await ask("connect", { locationId: "loc-local" });
    await new Promise((r) => setTimeout(r, 20));
    await ask("saveSettings", { bypassList: ["<local>"] });
    expect(rerouted()).toBe(1);
  });

  it("a store build has no editable API URL: refused, and a URL saved by an earlier build is ignored", async () => {
    await fakeBrowser.storage.local.set({ settings: { apiUrl: "http://evil.example", deviceId: "d1" } });
    boot(createFakeApi(), { storeBuild: true });
    const view = await ask("getSettings", undefined);
    expect(view).toMatchObject({ apiUrl: "http://127.0.0.1:8787", apiUrlEditable: false });
    await expect(ask("saveSettings", { apiUrl: "http://127.0.0.1:9999" })).rejects.toMatchObject({ info: { code: "validation_failed" } });
    expect((await ask("getSettings", undefined)).apiUrl).toBe("http://127.0.0.1:8787");
  });

  it("signOut disconnects first, then signs out (slot freed on the API)", async () => {
    const { routes, server } = boot();
    await signUpAndIn();
    await ask("connect", { locationId: "loc-local" });
    await new Promise((r) => setTimeout(r, 20));
    await ask("signOut", undefined);
    expect(routes.at(-1)).toBe("cleared");
    expect((await ask("getStatus", undefined)).signedIn).toBe(false);
    expect(server.accounts.get("alice")!.devices).toEqual([]);
    expect(server.accounts.get("alice")!.sessions[0]!.endedAt).not.toBeNull();
  });

  it("deleteAccount: a wrong password changes nothing; the right one erases the account and signs out", async () => {
    const { server } = boot();
    await signUpAndIn();
    await expect(ask("deleteAccount", { authKey: wrongKey })).rejects.toMatchObject({ info: { code: "invalid_credentials" } });
    expect((await ask("getStatus", undefined)).signedIn).toBe(true);
    await ask("deleteAccount", { authKey });
    expect(server.accounts.has("alice")).toBe(false);
    expect((await ask("getStatus", undefined)).signedIn).toBe(false);
  });

  it("email (v1.1): resend verification (rate limited), change email with the password, the new-device notice", async () => {
    const { server, tokens } = boot();
    await signUpAndIn();
    await ask("resendVerification", undefined);
    expect(server.mail).toEqual([{ to: "alice@example.com", kind: "verification" }]);
    await expect(ask("resendVerification", undefined)).rejects.toMatchObject({ info: { code: "rate_limited", retryAfter: 60 } });

    await expect(ask("changeEmail", { email: "new@example.com", authKey: wrongKey })).rejects.toMatchObject({
      info: { code: "invalid_credentials" },
    });
    expect(server.accounts.get("alice")!.account.email).toBe("alice@example.com");
    // The change waits for the new address's link (issue 20 item 3): the account keeps its address until then.
    const changed = await ask("changeEmail", { email: "new@example.com", authKey });
    expect(changed).toMatchObject({ email: "alice@example.com" });
    expect((await tokens.get())!.account.email).toBe("alice@example.com");
    expect(server.mail.slice(-2)).toEqual([
      { to: "alice@example.com", kind: "email_changed" },
      { to: "new@example.com", kind: "verification" },
    ]);

    // Off needs the password (issue 20 item 4): refused without it or with a wrong one.
    await expect(ask("setNotifyNewDevice", { enabled: false })).rejects.toMatchObject({ info: { code: "validation_failed" } });
    await expect(ask("setNotifyNewDevice", { enabled: false, authKey: wrongKey })).rejects.toMatchObject({
      info: { code: "invalid_credentials" },
    });
    expect(server.accounts.get("alice")!.account.notifyNewDevice).toBe(true);
    expect((await ask("setNotifyNewDevice", { enabled: false, authKey })).notifyNewDevice).toBe(false);
    expect(server.accounts.get("alice")!.account.notifyNewDevice).toBe(false);
    // Verified elsewhere (the link in the mail): getAccount brings the popup up to date.
    server.accounts.get("alice")!.account.emailVerified = true;
    expect((await ask("getAccount", undefined)).emailVerified).toBe(true);
    expect((await ask("getStatus", undefined)).account?.emailVerified).toBe(true);
  });

  it("the account's language follows the extension's: a popup shown in German tells an English account once", async () => {
    const { server } = boot(createFakeApi(), { language: "de" });
    await signUpAndIn();
    const patches = () => server.calls.filter((c) => c === "PATCH /v1/me").length;
    expect(server.accounts.get("alice")!.account.language).toBe("en");
    expect((await ask("getAccount", undefined)).language).toBe("de");
    expect(server.accounts.get("alice")!.account.language).toBe("de");
    const sent = patches();
    expect(sent).toBe(1);
    // Already in step: no further PATCH.
    await ask("getAccount", undefined);
    expect(patches()).toBe(sent);
  });

  it("password (v1.1): change with the current authKey (a wrong one changes nothing); reset by email answers the same for anyone", async () => {
    const { server } = boot();
    await signUpAndIn();
    const newKdf = newKdfParams(600_000);
    const newAuthKey = await deriveAuthKey("a brand new password", newKdf);
    await expect(ask("changePassword", { authKey: wrongKey, newAuthKey, newKdf })).rejects.toMatchObject({
      info: { code: "invalid_credentials" },
    });
    expect(server.accounts.get("alice")!.authKey).toBe(authKey);
    await ask("changePassword", { authKey, newAuthKey, newKdf });
    expect(server.accounts.get("alice")!.authKey).toBe(newAuthKey);
    expect(await ask("prelogin", { username: "alice" })).toEqual(newKdf);

    await ask("requestPasswordReset", { email: "alice@example.com" });
    await ask("requestPasswordReset", { email: "nobody@example.com" });
    expect(server.mail.filter((m) => m.kind === "password_reset")).toEqual([{ to: "alice@example.com", kind: "password_reset" }]);
    await expect(ask("requestPasswordReset", { email: "" })).rejects.toMatchObject({ info: { code: "validation_failed" } });
  });

  it("purchase (v1.1): plans, Checkout refused until the email is verified, then opened in a tab; the portal once subscribed", async () => {
    const { server, opened } = boot();
    await signUpAndIn();
    expect((await ask("getPlans", undefined)).map((p) => p.id)).toEqual(["free", "plus", "team"]);
    await expect(ask("openCheckout", { plan: "plus", interval: "month" })).rejects.toMatchObject({ info: { code: "email_unverified" } });
    expect(opened).toEqual([]);
    server.accounts.get("alice")!.account.emailVerified = true;
    await ask("openCheckout", { plan: "plus", interval: "month" });
    expect(opened).toEqual(["https://checkout.stripe.test/c/plus-month"]);
    await expect(ask("openCheckout", { plan: "gold" as never, interval: "month" })).rejects.toMatchObject({
      info: { code: "validation_failed" },
    });

    await expect(ask("openPortal", undefined)).rejects.toMatchObject({ info: { code: "not_found" } });
    server.accounts.get("alice")!.account.subscription = { status: "active", renewsAt: null, cancelAt: null };
    await ask("openPortal", undefined);
    expect(opened.at(-1)).toBe("https://billing.stripe.test/p/session");
  });

  it("getDailyUsage: the last 30 days, one entry per day, sessions summed on the day they started", async () => {
    const now = Date.now();
    const { server } = boot(createFakeApi(), { now });
    await signUpAndIn();
    const day = 86_400_000;
    server.accounts.get("alice")!.sessions = [
      { id: "a", startedAt: new Date(now).toISOString(), endedAt: null, bytesUp: 10, bytesDown: 100 },
      { id: "b", startedAt: new Date(now).toISOString(), endedAt: null, bytesUp: 1, bytesDown: 2 },
      { id: "c", startedAt: new Date(now - 3 * day).toISOString(), endedAt: null, bytesUp: 5, bytesDown: 50 },
      { id: "d", startedAt: new Date(now - 45 * day).toISOString(), endedAt: null, bytesUp: 999, bytesDown: 999 },
    ];
    const days = await ask("getDailyUsage", undefined);
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toMatchObject({ bytesUp: 11, bytesDown: 102 });
    expect(days.at(-4)).toMatchObject({ bytesUp: 5, bytesDown: 50 });
    expect(days.reduce((sum, d) => sum + d.bytesDown, 0)).toBe(152);
  });

  it("site rules: added while connected, the rule's location gets its own session alongside; removed, it ends", async () => {
    const { server, connection, auth, siteTunnels } = boot(createFakeApi({ secondLocation: true }));
    await signUpAndIn();
    await ask("connect", { locationId: "loc-local" });
    await connection.idle();
    const empty = await ask("getSiteRules", undefined);
    // The site of the tab the popup was opened over, by its registrable domain.
    expect(empty).toEqual({ rules: [], status: {}, currentSite: "example.co.uk" });
    await expect(ask("addSiteRule", { site: "not a host", locationId: "loc-second" })).rejects.toMatchObject({
      info: { code: "validation_failed" },
    });
    const added = await ask("addSiteRule", { site: "https://www.Example.com/a", locationId: "loc-second" });
    expect(added.rules).toEqual([{ site: "example.com", locationId: "loc-second" }]);
    expect(added.status).toEqual({ "loc-second": { state: "active" } });
    const sessions = server.accounts.get("alice")!.sessions;
    const open = sessions.filter((s) => s.endedAt === null);
    // The main session and the site's: both open, on two gateways, each with its own credential.
    expect(open).toHaveLength(2);
    const mainProxy = { scheme: "http" as const, host: "127.0.0.1", port: 3128 };
    const routes = await siteTunnels!.routes(mainProxy);
    expect(routes).toEqual([{ site: "example.com", proxy: { scheme: "http", host: "127.0.0.1", port: 3129 } }]);
    const site = await auth.answer({ requestId: "r1", isProxy: true, challenger: { host: "127.0.0.1", port: 3129 } });
    const main = await auth.answer({ requestId: "r2", isProxy: true, challenger: { host: "127.0.0.1", port: 3128 } });
    expect("authCredentials" in site && "authCredentials" in main && site.authCredentials.username !== main.authCredentials.username).toBe(
      true,
    );

    const removed = await ask("removeSiteRule", { site: "example.com" });
    expect(removed.rules).toEqual([]);
    await vi.waitFor(() => expect(sessions.filter((s) => s.endedAt === null)).toHaveLength(1));
    await ask("addSiteRule", { site: "example.com", locationId: "loc-second" });
    expect(sessions.filter((s) => s.endedAt === null)).toHaveLength(2);
    // Disconnecting ends every session of the device.
    await ask("disconnect", undefined);
    await connection.idle();
    await vi.waitFor(() => expect(sessions.filter((s) => s.endedAt === null)).toHaveLength(0));
  });

  it("ignores messages that are not ours and senders that are not this extension", async () => {
    boot();
    expect(await fakeBrowser.runtime.sendMessage({ hello: "world" } as never)).toBeUndefined();
    const listener = createMessageListener({} as never, "me");
    expect(listener({ channel: "cargo", type: "getStatus", payload: undefined }, { id: "someone-else" }, () => {})).toBe(false);
  });

  it("a background that does not answer is reported as 'network', not a crash", async () => {
    await expect(
      request(async () => Promise.reject(new Error("Receiving end does not exist")), "getStatus", undefined),
    ).rejects.toMatchObject({
      info: { code: "network" },
    });
  });
});

afterAll(() => {
  // Every request type of the protocol went through the runtime at least once above.
  expect([...covered].sort()).toEqual([...REQUEST_TYPES].sort());
});

describe("two-factor sign-in and sign-ins you can end (issue 18)", () => {
  /** At least `seconds` left in the 30-second step, so codes computed now stay in their step. */
  async function roomInStep(seconds = 5) {
    const left = 30_000 - (Date.now() % 30_000);
    if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
  }

  it("enrols, signs in with a code or a recovery code (a reused code refused), and replaces the recovery codes", async () => {
    boot(createFakeApi({ maxDevices: 3 }));
    await signUpAndIn();
    expect(await ask("getTwoFactor", undefined)).toMatchObject({ enabled: false });
    await expect(ask("startTotpEnrolment", { authKey: wrongKey })).rejects.toMatchObject({ info: { code: "invalid_credentials" } });
    // A wrong password here is about the request, not the token: still signed in.
    expect((await ask("getStatus", undefined)).signedIn).toBe(true);
    const { secret, otpauthUri } = await ask("startTotpEnrolment", { authKey });
    expect(otpauthUri).toContain(secret);
    await roomInStep();
    await expect(ask("confirmTotpEnrolment", { code: codeFor(secret, 5) })).rejects.toMatchObject({ info: { code: "invalid_code" } });
    expect((await ask("getStatus", undefined)).signedIn).toBe(true);
    const codes = await ask("confirmTotpEnrolment", { code: codeFor(secret, -1) });
    expect(codes).toHaveLength(10);

    await ask("signOut", undefined);
    const challenged = await ask("signIn", { username: "alice", authKey }).catch((e) => e);
    expect(challenged.info).toMatchObject({ code: "second_factor_required", secondFactor: { methods: ["totp", "recovery_code"] } });
    const challenge = challenged.info.secondFactor.challenge as string;
    const code = codeFor(secret);
    await ask("completeSecondFactor", { challenge, code });
    expect((await ask("getStatus", undefined)).signedIn).toBe(true);

    await ask("signOut", undefined);
    const again = (await ask("signIn", { username: "alice", authKey }).catch((e) => e)).info.secondFactor.challenge as string;
    await expect(ask("completeSecondFactor", { challenge: again, code })).rejects.toMatchObject({ info: { code: "invalid_code" } });
    await ask("completeSecondFactor", { challenge: again, recoveryCode: codes[0]! });
    expect(await ask("getTwoFactor", undefined)).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });

    const fresh = await ask("regenerateRecoveryCodes", { authKey, code: codeFor(secret, 1) });
    expect(fresh).not.toContain(codes[1]);
  });

  it("turns two-factor sign-in off with the password and a current code", async () => {
    const { server } = boot(createFakeApi({ maxDevices: 3 }));
    await signUpAndIn();
    const { secret } = await ask("startTotpEnrolment", { authKey });
    await roomInStep();
    await ask("confirmTotpEnrolment", { code: codeFor(secret, -1) });
    await expect(ask("disableTwoFactor", { authKey: wrongKey, code: codeFor(secret) })).rejects.toMatchObject({
      info: { code: "invalid_credentials" },
    });
    await ask("disableTwoFactor", { authKey, code: codeFor(secret) });
    expect(server.twoFactor.has("alice")).toBe(false);
    expect(await ask("getTwoFactor", undefined)).toMatchObject({ enabled: false });
  });

  it("renames a device, signs every other device out, and reads the policy's contacts", async () => {
    const { server } = boot(createFakeApi({ maxDevices: 3 }));
    await signUpAndIn();
    server.accounts.get("alice")!.devices.push({
      id: "other-device-1",
      kind: "firefox",
      label: "Firefox on Windows",
      registeredAt: "x",
      lastSeenAt: "x",
      lastActiveOn: "x",
      current: false,
    });
    await ask("renameDevice", { id: "other-device-1", label: "Kitchen PC" });
    expect((await ask("getDevices", undefined)).devices.map((d) => d.label)).toEqual(["Chrome on Linux", "Kitchen PC"]);
    expect(await ask("signOutOthers", undefined)).toBe(1);
    expect((await ask("getDevices", undefined)).devices.map((d) => d.label)).toEqual(["Chrome on Linux"]);
    expect(await ask("getContacts", undefined)).toEqual({ privacyEmail: "privacy@fake.test", abuseEmail: "abuse@fake.test" });
    // The export as the API answers it: the popup opens the sealed name itself (export-panel.ts).
    const exported = await ask("exportAccount", undefined);
    expect(exported.devices.map((d) => d.label)).toEqual(["Chrome on Linux"]);
    expect(exported.account.email).toBe("alice@example.com");
  });
});

describe("passkeys (issue 18 item 3)", () => {
  it("opens the page that adds one, lists and removes them, and finishes a sign-in once the passkey page was used", async () => {
    const { server, opened } = boot(createFakeApi({ maxDevices: 3 }));
    await signUpAndIn();
    await ask("addPasskey", undefined);
    expect(opened.at(-1)).toMatch(/^http:\/\/localhost:8787\/account\/passkeys#ticket=/);
    expect((await ask("listPasskeys", undefined)).passkeys).toEqual([]);
    server.passkeys.set("alice", [{ id: "cred-1", label: "Laptop", createdAt: "x", lastUsedAt: null }]);
    expect((await ask("listPasskeys", undefined)).passkeys.map((p) => p.label)).toEqual(["Laptop"]);
    await ask("removePasskey", { id: "cred-1" });
    await expect(ask("removePasskey", { id: "cred-1" })).rejects.toMatchObject({ info: { code: "not_found" } });

    // Only the account's passkey sign-in page opens, for the challenge it names.
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    await expect(
      ask("openPasskeySignIn", { url: "http://localhost:8787/account/delete-account#challenge=ch-1", challenge: "ch-1", expiresAt }),
    ).rejects.toBeDefined();
    await expect(
      ask("openPasskeySignIn", { url: "http://localhost:8787/account/passkey-sign-in#challenge=ch-2", challenge: "ch-1", expiresAt }),
    ).rejects.toBeDefined();
    const before = opened.length;

    const { secret } = await ask("startTotpEnrolment", { authKey });
    // Enough of the 30-second step left for the previous step's code to stay accepted while used.
    const left = 30_000 - (Date.now() % 30_000);
    if (left < 8000) await new Promise((r) => setTimeout(r, left + 50));
    await ask("confirmTotpEnrolment", { code: codeFor(secret, -1) });
    await ask("signOut", undefined);
    const challenge = (await ask("signIn", { username: "alice", authKey }).catch((e) => e)).info.secondFactor.challenge as string;
    await expect(ask("completeSecondFactor", { challenge, passkey: true })).rejects.toMatchObject({
      info: { code: "second_factor_pending" },
    });
    server.passkeyUsed.add(challenge);
    await ask("completeSecondFactor", { challenge, passkey: true });
    expect((await ask("getStatus", undefined)).signedIn).toBe(true);
    expect(opened.length).toBe(before);

    // "Use a passkey" hands the wait to the background: nobody else asks the API, and the sign-in still finishes.
    await ask("signOut", undefined);
    const second = (await ask("signIn", { username: "alice", authKey }).catch((e) => e)).info.secondFactor;
    const url = `http://localhost:8787/account/passkey-sign-in#challenge=${second.challenge}`;
    await ask("openPasskeySignIn", { url, challenge: second.challenge, expiresAt: second.challengeExpiresAt });
    expect(opened.at(-1)).toBe(url);
    expect(await ask("passkeySignInState", undefined)).toMatchObject({ state: "waiting" });
    expect((await ask("getStatus", undefined)).signedIn).toBe(false);
    server.passkeyUsed.add(second.challenge);
    await vi.waitFor(async () => expect(await ask("passkeySignInState", undefined)).toEqual({ state: "done" }));
    const status = await ask("getStatus", undefined);
    expect(status.signedIn).toBe(true);
    expect(status.account?.username).toBe("alice");
    await ask("forgetPasskeySignIn", undefined);
    expect(await ask("passkeySignInState", undefined)).toEqual({ state: "none" });
  });
});
