/**
 * What the background does for each message of the protocol. Everything that
 * needs a token or the API goes through here; the pages only draw.
 */
import { ApiError } from "../api/api-error";
import type { ApiClient } from "../api/client";
import { type TokenStore, withKnownName } from "../api/token-store";
import { STORE_BUILD, USAGE_CHART_DAYS, USAGE_CHART_PAGE_SIZE, USAGE_PAGE_SIZE } from "../config";
import type { ConnectionService } from "../connection/connection-service";
import { isProtecting, type ConnectionState } from "../connection/state-machine";
import type { ConnectionView, Handlers, SettingsView } from "../messages/protocol";
import type { Account, Location } from "@cargo-vpn/shared/schemas";
import type { Language } from "@cargo-vpn/shared/languages";
import { invalidRules } from "../proxy/bypass-rules";
import { dailyUsage } from "./daily-usage";
import type { PasskeySignIn } from "./passkey-sign-in";
import type { SettingsStore } from "../settings/settings-store";
import { createSiteRuleHandlers, type SiteRuleDeps } from "./site-rule-handlers";

export interface HandlerDeps {
  api: ApiClient;
  tokens: TokenStore;
  settings: SettingsStore;
  connection: Pick<ConnectionService, "state" | "settled" | "dispatch" | "idle">;
  device: { kind: "chrome" | "firefox"; label: string };
  proxyControlledByOther: () => Promise<boolean>;
  /** Settings that change how traffic is routed were saved. */
  onRoutingChanged?: () => Promise<void>;
  /** Any setting was saved (the start-up guard depends on bypass list, API URL and auto-connect). */
  onSettingsChanged?: () => Promise<void>;
  /** Development builds only: a store build talks to the API it was built for (config.ts STORE_BUILD). */
  apiUrlEditable?: boolean;
  /** The last list of locations (public: names, countries, load), kept for the popup's first paint. */
  locationCache?: { get(): Promise<Location[] | null>; set(locations: Location[]): Promise<void> };
  /** The passkey sign-in step the background waits for while the page is used in a tab. */
  passkeySignIn?: Pick<PasskeySignIn, "start" | "state" | "clear">;
  /** Opens a page (Stripe's Checkout or portal) in a new tab. */
  openTab?: (url: string) => Promise<void>;
  now?: () => number;
  /** Per-site locations (site-rule-handlers.ts); without it the rules list is empty. */
  sites?: SiteRuleDeps;
  /** The language the extension is shown in; the account's mails follow it (ui/locale.ts `accountLanguage`). */
  language?: () => Language;
}

export function connectionView(state: ConnectionState): ConnectionView {
  const view: ConnectionView = { state: state.name };
  if ("reason" in state && state.reason) view.reason = state.reason;
  if (state.name === "error") view.blocking = state.blocking;
  if ("locationId" in state && state.locationId) view.locationId = state.locationId;
  if (state.name === "connected") {
    view.sessionId = state.session.id;
    view.sessionStartedAt = state.session.startedAt;
  }
  if ("retryAt" in state && state.retryAt) view.retryAt = state.retryAt;
  return view;
}

const invalid = () => new ApiError({ code: "validation_failed", status: 400 });

export function createHandlers(deps: HandlerDeps): Handlers {
  const { api, tokens, settings, connection } = deps;
  const apiUrlEditable = deps.apiUrlEditable ?? !STORE_BUILD;

  /** Keep the stored sign-in's copy of the account in step with the API's answer. */
  async function remember(answer: Account): Promise<Account> {
    const latest = await tokens.get();
    const account = withKnownName(answer, latest?.account.username ?? null);
    if (latest) await tokens.set({ ...latest, account });
    return account;
  }

  /** Only our payment provider's pages are opened from an API answer. */
  async function openHttps(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ApiError({ code: "unknown", status: 0 });
    }
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopback(parsed.hostname))) {
      throw new ApiError({ code: "unknown", status: 0 });
    }
    await deps.openTab?.(parsed.href);
  }

  async function settingsView(): Promise<SettingsView> {
    const current = await settings.get();
    const auth = await tokens.get();
    return {
      apiUrl: current.apiUrl,
      apiUrlEditable,
      bypassList: current.bypassList,
      autoConnect: current.autoConnect,
      telemetryOptIn: auth?.account.telemetryOptIn ?? false,
      signedIn: auth !== null,
    };
  }

  /** The id a sign-in answered: another than ours when ours was another slot's; the secret stays with it. */
  async function keepDeviceId(deviceId: string): Promise<void> {
    if ((await settings.get()).deviceId !== deviceId) await settings.update({ deviceId });
  }

  /** Leave the tunnel and release traffic before the sign-in goes away. */
  async function disconnectForGood(): Promise<void> {
    if (connection.state.name !== "disconnected") {
      await connection.dispatch({ type: "DISCONNECT" });
      await connection.idle();
    }
  }

  return {
    async getStatus() {
      const auth = await tokens.get();
      const current = await settings.get();
      return {
        signedIn: auth !== null,
        account: auth?.account ?? null,
        // Never ahead of the browser: a getStatus answered mid-step must not say "connecting" before the hold is set.
        connection: connectionView(connection.settled),
        lastLocationId: current.lastLocationId,
        proxyControlledByOther: await deps.proxyControlledByOther(),
        locations: auth ? ((await deps.locationCache?.get()) ?? null) : null,
      };
    },

    prelogin: ({ username }) => api.prelogin(username),

    async register(input) {
      await api.register(input);
    },

    async signIn({ username, authKey, usernameSealed, replaceDevice }) {
      // A new password sign-in drops a passkey step still waited for: its challenge is superseded.
      await deps.passkeySignIn?.clear();
      const { deviceId, deviceSecret } = await settings.get();
      const signedIn = await api.signIn({
        username,
        authKey,
        ...(usernameSealed ? { usernameSealed } : {}),
        device: { id: deviceId, secret: deviceSecret, kind: deps.device.kind, label: deps.device.label },
        ...(replaceDevice ? { replaceDevice } : {}),
      });
      await keepDeviceId(signedIn.deviceId);
    },

    async signOut() {
      await disconnectForGood();
      try {
        await api.signOut();
      } catch {
        // Signed out locally either way; the API ends abandoned sessions by itself.
      }
      await settings.update({ lastLocationId: null });
    },

    async getLocations() {
      const locations = await api.locations();
      await deps.locationCache?.set(locations);
      return locations;
    },

    async connect({ locationId }) {
      if (!locationId) throw invalid();
      if (!(await tokens.get())) throw new ApiError({ code: "unauthorized", status: 401 });
      await settings.update({ lastLocationId: locationId });
      // Answered once the step has run: traffic is already held when the page hears "connecting".
      await connection.dispatch({ type: "CONNECT", locationId });
      return connectionView(connection.settled);
    },

    async disconnect() {
      await connection.dispatch({ type: "DISCONNECT" });
      return connectionView(connection.settled);
    },

    getUsage: ({ cursor }) => api.usage(cursor ?? null, USAGE_PAGE_SIZE),

    getDevices: () => api.devices(),

    async removeDevice({ id }) {
      if (!id) throw invalid();
      await api.removeDevice(id);
    },

    getSettings: settingsView,

    async saveSettings(patch) {
      if (patch.bypassList && invalidRules(patch.bypassList).length > 0) throw invalid();
      if (patch.apiUrl !== undefined) {
        if (!apiUrlEditable) throw invalid();
        try {
          const url = new URL(patch.apiUrl);
          if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid();
        } catch {
          throw invalid();
        }
      }
      const { telemetryOptIn, ...local } = patch;
      if (Object.keys(local).length > 0) await settings.update(local);
      if (telemetryOptIn !== undefined) {
        const auth = await tokens.get();
        if (!auth) throw new ApiError({ code: "unauthorized", status: 401 });
        await remember(await api.updateMe({ telemetryOptIn }));
      }
      if ((patch.bypassList || patch.apiUrl) && isProtecting(connection.state)) await deps.onRoutingChanged?.();
      await deps.onSettingsChanged?.();
      return settingsView();
    },

    async deleteAccount({ authKey }) {
      if (!authKey) throw invalid();
      // Verify and delete first: a wrong password must leave the tunnel as it was.
      await api.deleteMe(authKey);
      await disconnectForGood();
      await settings.update({ lastLocationId: null, autoConnect: false });
    },

    async getAccount() {
      const account = await api.me();
      // The browser now shows the extension in another language: the account's mails follow it.
      const shown = deps.language?.();
      if (shown !== undefined && account.language !== shown) return remember(await api.updateMe({ language: shown }));
      return remember(account);
    },

    resendVerification: () => api.resendVerification(),

    async changePassword({ authKey, newAuthKey, newKdf }) {
      if (!authKey || !newAuthKey || !newKdf?.salt || !newKdf.iterations) throw invalid();
      await api.changePassword({ authKey, newAuthKey, newKdf });
    },

    async changeEmail({ email, authKey }) {
      if (!email || !authKey) throw invalid();
      return remember(await api.updateMe({ email, authKey }));
    },

    async setNotifyNewDevice({ enabled, authKey }) {
      // Off needs the password proved again (issue 20 item 4): the API refuses it without the authKey.
      if (enabled !== true && !authKey) throw invalid();
      return remember(await api.updateMe(enabled === true ? { notifyNewDevice: true } : { notifyNewDevice: false, authKey }));
    },

    async requestPasswordReset({ email }) {
      if (!email) throw invalid();
      await api.requestPasswordReset(email);
    },

    getPlans: () => api.plans(),

    async openCheckout({ plan, interval }) {
      if ((plan !== "plus" && plan !== "team") || (interval !== "month" && interval !== "year")) throw invalid();
      await openHttps(await api.checkout(plan, interval));
    },

    openPortal: async () => openHttps(await api.portal()),

    getDailyUsage: () => dailyUsage((cursor) => api.usage(cursor, USAGE_CHART_PAGE_SIZE), (deps.now ?? Date.now)(), USAGE_CHART_DAYS),

    // ---- two-factor sign-in, sign-ins you can end, the policy's contacts (issue 18) ----
    async completeSecondFactor({ challenge, code, recoveryCode, passkey }) {
      if (!challenge || (!code && !recoveryCode && !passkey)) throw invalid();
      const factor = code ? { code } : recoveryCode ? { recoveryCode } : { passkey: true as const };
      await keepDeviceId((await api.completeSecondFactor({ challenge, ...factor })).deviceId);
    },
    getTwoFactor: () => api.twoFactor(),
    exportAccount: () => api.exportMe(),
    async startTotpEnrolment({ authKey, accountName }) {
      if (!authKey) throw invalid();
      return api.startTotp(authKey, accountName);
    },
    async confirmTotpEnrolment({ code }) {
      if (!code) throw invalid();
      return api.confirmTotp(code);
    },
    async regenerateRecoveryCodes({ authKey, code }) {
      if (!authKey || !code) throw invalid();
      return api.regenerateRecoveryCodes({ authKey, code });
    },
    async disableTwoFactor({ authKey, code }) {
      if (!authKey || !code) throw invalid();
      await api.disableTwoFactor({ authKey, code });
    },
    async renameDevice({ id, label }) {
      if (!id || !label) throw invalid();
      await api.renameDevice(id, label);
    },
    signOutOthers: () => api.signOutOthers(),
    getContacts: () => api.contacts(),
    // ---- passkeys (issue 18 item 3) ----
    addPasskey: async () => openHttps((await api.passkeyTicket()).url),
    listPasskeys: () => api.passkeys(),
    async removePasskey({ id }) {
      if (!id) throw invalid();
      await api.removePasskey(id);
    },
    async openPasskeySignIn({ url, challenge, expiresAt }) {
      if (typeof url !== "string" || !URL.canParse(url) || typeof challenge !== "string" || typeof expiresAt !== "string") throw invalid();
      const parsed = new URL(url);
      const expires = Date.parse(expiresAt);
      if (parsed.pathname !== "/account/passkey-sign-in" || new URLSearchParams(parsed.hash.slice(1)).get("challenge") !== challenge)
        throw invalid();
      if (!Number.isFinite(expires)) throw invalid();
      // Waited for here, not in the popup: the popup closes when the tab opens.
      await deps.passkeySignIn?.start(challenge, expires, api.signingInAs());
      await openHttps(url);
    },
    ...createSiteRuleHandlers(deps.sites),
    passkeySignInState: async () => deps.passkeySignIn?.state() ?? { state: "none" },
    forgetPasskeySignIn: async () => deps.passkeySignIn?.clear(),
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
