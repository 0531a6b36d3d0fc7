/**
 * Wires the background together. Called synchronously from the background
 * entrypoint: every listener that the browser may wake us for (proxy auth,
 * Firefox's proxy.onRequest, alarms, messages) is registered in the first
 * turn, before any `await`, so a cold MV3 service worker never misses the
 * event that woke it. Anything asynchronous waits on `ready`.
 */
import type { Location } from "@cargo-vpn/shared/schemas";
import type { WxtBrowser } from "wxt/browser";
import { createApiClient } from "../api/client";
import { createTokenStore, type StorageAreas } from "../api/token-store";
import { AlarmTimers } from "../adapters/alarm-timers";
import { ChromeProxySettings, isControlledByOther, type ChromeSetting } from "../adapters/chrome-proxy-settings";
import { FirefoxProxy, type FirefoxProxyEvents } from "../adapters/firefox-proxy";
import { PrivacySettings, type PrivacyNetwork } from "../adapters/privacy";
import {
  ProxyAuthAnswerer,
  registerChromeAuthListener,
  registerFirefoxAuthListener,
  type ChromeWebRequest,
  type FirefoxWebRequest,
} from "../adapters/proxy-auth";
import { GatewaySessionEnds } from "../proxy/gateway-session-end";
import { ALARM_RENEW, ALARM_RETRY, ALARM_SITE_RENEW } from "../config";
import { proxyForBrowser, type ProxyTarget } from "../proxy/proxy-target";
import { SiteRulesStore } from "../sites/site-rules-store";
import { SiteTunnels } from "../sites/site-tunnels";
import { ConnectionService, type ConnectionStore } from "../connection/connection-service";
import { StorageConnectionStore } from "../connection/connection-store";
import { type ConnectionState, isProtecting } from "../connection/state-machine";
import { publishConnection } from "../messages/connection-feed";
import { createMessageListener } from "../messages/protocol";
import { withApiHost } from "../proxy/bypass-rules";
import { startupBlockRules } from "../proxy/startup-block-rules";
import { StartupGuard, type DeclarativeNetRequest } from "../adapters/startup-guard";
import { SettingsStore } from "../settings/settings-store";
import { type BadgeLocation, showBadge } from "./badge";
import { countryName } from "../ui/format";
import { createGatewayWatch } from "./gateway-watch";
import { connectionView, createHandlers } from "./handlers";
import { PasskeySignIn } from "./passkey-sign-in";
import { createTelemetryReporter } from "./telemetry";
import { TOGGLE_COMMAND, toggleVpn } from "./toggle-command";
import { type DataConsentPermissions, hasDataConsent } from "../ui/data-consent";
import { accountLanguage } from "../ui/locale";

export interface BackgroundEnv {
  /**
   * WXT's `browser` (wxt/browser): Firefox's `browser` namespace, or Chrome's
   * `chrome` itself, whose MV3 APIs return promises and whose webRequest
   * still takes the callback that asyncBlocking proxy auth needs.
   */
  browser: WxtBrowser;
  kind: "chrome" | "firefox";
}

export function startBackground(env: BackgroundEnv) {
  const { browser, kind } = env;
  const storage = browser.storage as unknown as StorageAreas;
  const log = (message: string, error?: unknown) => console.warn(`[cargo] ${message}`, error ?? "");

  // ---- listeners that must exist in the first turn ----
  const auth = new ProxyAuthAnswerer(storage.session, storage.local, new GatewaySessionEnds());
  const settings = new SettingsStore(storage.local);
  const bypassList = async () => {
    const current = await settings.get();
    return withApiHost(current.bypassList, current.apiUrl);
  };

  // Per-site locations: the rules, and the sessions behind them (created below, once the API client exists).
  const siteRules = new SiteRulesStore(storage.local);
  let siteTunnels: SiteTunnels | undefined;
  const siteRoutes = async (main: ProxyTarget) => (siteTunnels ? siteTunnels.routes(main) : []);

  let proxy: ChromeProxySettings | FirefoxProxy;
  if (kind === "firefox") {
    const intent = new StorageConnectionStore(storage, settings);
    const undecided = async () => ((await intent.loadResumeLocation()) ? { kind: "hold" as const } : null);
    const firefoxProxy = new FirefoxProxy(storage.session, bypassList, auth, undefined, siteRoutes, undecided);
    proxy = firefoxProxy;
    // proxy.onRequest and proxy.onError are Firefox's own: the shared typings (Chrome's) do not have them.
    const firefoxEvents = browser.proxy as unknown as FirefoxProxyEvents;
    firefoxEvents.onRequest.addListener((details) => firefoxProxy.onRequest(details), { urls: ["<all_urls>"] });
    firefoxEvents.onError.addListener((error) => log("proxy error", error));
    registerFirefoxAuthListener(browser.webRequest as unknown as FirefoxWebRequest, auth);
  } else {
    proxy = new ChromeProxySettings(browser.proxy.settings as unknown as ChromeSetting, bypassList, siteRoutes);
    registerChromeAuthListener(browser.webRequest as unknown as ChromeWebRequest, auth);
  }

  const tokens = createTokenStore(storage);
  let service: ConnectionService | undefined;
  const api = createApiClient({
    baseUrl: async () => (await settings.get()).apiUrl,
    tokens,
    onSignedOut: () => void service?.dispatch({ type: "SIGNED_OUT" }),
    deviceSecret: async () => (await settings.get()).deviceSecret,
  });
  const report = createTelemetryReporter({
    send: (events) => api.telemetry(events),
    tokens,
    deviceType: kind,
    ...(kind === "firefox" ? { browserConsent: () => hasDataConsent(browser.permissions as unknown as DataConsentPermissions) } : {}),
  });

  // Chrome: hold traffic from the very first request of the next browser start while we mean to resume.
  const guard =
    kind === "chrome"
      ? new StartupGuard((browser as unknown as { declarativeNetRequest: DeclarativeNetRequest }).declarativeNetRequest)
      : null;
  const store = new StorageConnectionStore(storage, settings);
  let guardQueue: Promise<void> = Promise.resolve();
  const syncGuard = (): Promise<void> => {
    guardQueue = guardQueue
      .then(async () => {
        if (!guard) return;
        if (await store.loadResumeLocation()) {
          const current = await settings.get();
          await guard.arm(startupBlockRules(current.bypassList, current.apiUrl));
        } else {
          await guard.disarm();
        }
      })
      .catch((error) => log("start-up guard failed", error));
    return guardQueue;
  };
  const guardedStore: ConnectionStore = {
    loadState: () => store.loadState(),
    saveState: (state) => store.saveState(state),
    loadResumeLocation: () => store.loadResumeLocation(),
    saveIntent: async (locationId) => {
      await store.saveIntent(locationId);
      await syncGuard();
    },
  };

  /** The location a state is about, from the list kept for the popup, named in the language shown. */
  const badgeLocation = async (state: ConnectionState): Promise<BadgeLocation | undefined> => {
    if (!("locationId" in state) || !state.locationId) return undefined;
    const cached = ((await storage.local.get("locations")).locations as Location[] | undefined) ?? [];
    const location = cached.find((l) => l.id === state.locationId);
    if (!location) return undefined;
    const locale = browser.i18n.getMessage("localeCode") || "en";
    const country = countryName(location.country, locale);
    return { label: browser.i18n.getMessage("locationWithCountry", [location.name, country]), country: location.country };
  };

  // Every session, the main one's and each site's, as this browser connects to its gateway (proxy-target.ts).
  const startSession: typeof api.startSession = async (locationId, options) => {
    const answer = await api.startSession(locationId, options);
    return { ...answer, proxy: proxyForBrowser(kind, answer.proxy) };
  };

  const timers = new AlarmTimers(browser.alarms);
  siteTunnels = new SiteTunnels({
    api: { ...api, startSession },
    rules: () => siteRules.list(),
    mainLocation: () => {
      const state = service?.state;
      return state && "locationId" in state ? (state.locationId ?? null) : null;
    },
    area: storage.session,
    auth,
    // Chrome's PAC script is rebuilt; Firefox decides per request and needs nothing.
    routesChanged: async () => {
      if (proxy instanceof ChromeProxySettings) await proxy.reapply();
    },
    timers,
    log,
  });
  const sites = siteTunnels;

  service = new ConnectionService({
    // With site rules the main session opens alongside their sessions; without, it is the device's only one.
    api: {
      startSession: async (locationId) => startSession(locationId, { alongside: (await siteRules.list()).length > 0 }),
      renewSession: (id) => api.renewSession(id),
      endSession: (id) => api.endSession(id),
    },
    proxy,
    auth,
    privacy: new PrivacySettings(browser.privacy.network as unknown as PrivacyNetwork, log),
    timers,
    store: guardedStore,
    report: (outcome, scheme) => void report(outcome, scheme),
    onChange: (state) => {
      void badgeLocation(state)
        .then((location) => showBadge(browser, state, location))
        .catch(() => {});
      // Open pages learn the change by push (messages/connection-feed.ts).
      void publishConnection(storage.session, connectionView(state)).catch((error) => log("publishing the state failed", error));
      // Once the background has taken over, the proxy settings route traffic; only a start-up hold keeps the block.
      if (guard && state.name !== "held") void guard.release().catch((error) => log("guard release failed", error));
      // The site sessions follow the main tunnel: opened once it is up, ended when it is switched off.
      void sites.update(state);
    },
    log,
  });
  const connection = service;
  const ready = connection
    .init()
    .then(async () => {
      if (guard && connection.state.name !== "held") await guard.release();
      await syncGuard();
    })
    .catch((error) => log("init failed", error));
  const afterReady = <T>(work: () => Promise<T>) => ready.then(work);

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM_RENEW) void afterReady(() => connection.dispatch({ type: "RENEW_DUE" }));
    if (alarm.name === ALARM_RETRY) void afterReady(() => connection.dispatch({ type: "RETRY_DUE" }));
    if (alarm.name === ALARM_SITE_RENEW) void afterReady(() => sites.renewDue());
  });

  const watch = createGatewayWatch(
    () => connection.state,
    (event) => connection.dispatch(event),
  );
  browser.webRequest.onErrorOccurred.addListener((details) => void watch(details), { urls: ["<all_urls>"] });

  if (kind === "chrome") {
    (
      browser.proxy.settings as unknown as { onChange: { addListener(f: (d: { levelOfControl: string }) => void): void } }
    ).onChange.addListener((details) => {
      if (isControlledByOther(details.levelOfControl) && isProtecting(connection.state)) {
        void afterReady(() => connection.dispatch({ type: "PROXY_TAKEN" }));
      }
    });
  }

  const browserName = kind === "firefox" ? "Firefox" : "Chrome";
  const device = { kind, label: browserName };
  // Label the device with its OS once we know it ("Chrome on Linux"), so the devices list is readable.
  void browser.runtime.getPlatformInfo().then((info) => {
    device.label = `${browserName} on ${osName(info.os)}`;
  });

  const passkeySignIn = new PasskeySignIn({
    area: storage.session,
    complete: async (challenge, username) => {
      const signedIn = await api.completeSecondFactor({ challenge, passkey: true }, username);
      if ((await settings.get()).deviceId !== signedIn.deviceId) await settings.update({ deviceId: signedIn.deviceId });
    },
    log,
  });
  void afterReady(async () => passkeySignIn.resume());

  const handlers = createHandlers({
    language: accountLanguage,
    passkeySignIn,
    api,
    tokens,
    settings,
    connection,
    device,
    proxyControlledByOther: async () => (proxy instanceof ChromeProxySettings ? proxy.controlledByOther() : false),
    onRoutingChanged: async () => {
      if (proxy instanceof ChromeProxySettings) await proxy.reapply();
    },
    onSettingsChanged: syncGuard,
    locationCache: {
      get: async () => ((await storage.local.get("locations")).locations as Location[] | undefined) ?? null,
      set: (locations) => storage.local.set({ locations }),
    },
    openTab: async (url) => {
      await browser.tabs.create({ url });
    },
    sites: {
      rules: siteRules,
      tunnels: sites,
      activeTabUrl: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.url ?? null,
    },
  });
  const gated = Object.fromEntries(
    Object.entries(handlers).map(([type, handler]) => [
      type,
      (payload: never) => afterReady(() => (handler as (p: never) => Promise<unknown>)(payload)),
    ]),
  ) as typeof handlers;
  browser.runtime.onMessage.addListener(createMessageListener(gated, browser.runtime.id) as never);

  // The keyboard shortcut toggles like the switch does (toggle-command.ts).
  browser.commands?.onCommand.addListener((command) => {
    if (command !== TOGGLE_COMMAND) return;
    void afterReady(() =>
      toggleVpn({
        state: () => connection.state,
        handlers,
        signedIn: async () => (await tokens.get()) !== null,
        lastLocationId: async () => (await settings.get()).lastLocationId,
        locations: async () => ((await storage.local.get("locations")).locations as Location[] | undefined) ?? null,
      }),
    ).catch((error) => log("toggle shortcut failed", error));
  });

  return { connection, auth, ready, sites };
}

function osName(os: string): string {
  const names: Record<string, string> = { mac: "macOS", win: "Windows", linux: "Linux", cros: "ChromeOS", android: "Android" };
  return Object.hasOwn(names, os) ? names[os]! : os;
}
