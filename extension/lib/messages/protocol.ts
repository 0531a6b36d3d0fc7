/**
 * The typed message protocol between the popup/options pages and the
 * background. The pages never hold tokens: they ask the background, which is
 * the only caller of the API. Each request type maps to one payload and one
 * answer; errors travel as plain `ErrorInfo` data. Payloads that are API
 * requests are the shared contract's types (shared/src/schemas.ts), so a
 * field renamed there fails to compile here; only type imports, which keeps
 * zod out of the pages' bundles.
 *
 *   const status = await request(send, "getStatus", undefined);
 *   browser.runtime.onMessage.addListener(createMessageListener(handlers, browser.runtime.id));
 */
import type { PasskeySignInView } from "../background/passkey-sign-in";
import type { KdfParams } from "@cargo-vpn/shared/kdf";
import type {
  Account,
  ChangePasswordRequest,
  CheckoutRequest,
  DeleteMeRequest,
  DevicesResponse,
  EmailLinkRequest,
  Location,
  SignInRequest,
  PatchMeRequest,
  PlanOffer,
  PreloginRequest,
  RegisterRequest,
  StartSessionRequest,
  UsageResponse,
  ContactsResponse,
  SecondFactorRequest,
  TotpEnrolResponse,
  TwoFactorProofRequest,
  TwoFactorStatusResponse,
  PasskeyListResponse,
  ExportResponse,
} from "@cargo-vpn/shared/schemas";
import { ApiError, toErrorInfo, type ErrorInfo } from "../api/api-error";
import type { DailyUsage } from "../background/daily-usage";
import type { ConnectionState, Reason } from "../connection/state-machine";
import type { EditableSettings } from "../settings/settings-store";
import type { SiteRule } from "../sites/site-rules";
import type { SiteLocationStatus } from "../sites/site-tunnels";

/** What the popup needs to draw the connection, without credentials. */
export interface ConnectionView {
  state: ConnectionState["name"];
  reason?: Reason;
  /** error state: traffic is held until the user retries or goes direct */
  blocking?: boolean;
  locationId?: string;
  sessionId?: string;
  sessionStartedAt?: string;
  retryAt?: number;
}

export interface Status {
  signedIn: boolean;
  account: Account | null;
  connection: ConnectionView;
  lastLocationId: string | null;
  /** Another extension controls the browser's proxy settings. */
  proxyControlledByOther: boolean;
  /** The locations as last fetched (public data), so the popup's switch is usable before the API answers. */
  locations: Location[] | null;
}

export interface SettingsView extends EditableSettings {
  /** False in a store build: the page shows no API URL field. */
  apiUrlEditable: boolean;
  telemetryOptIn: boolean;
  signedIn: boolean;
}

export interface Requests {
  getStatus: [undefined, Status];
  prelogin: [PreloginRequest, KdfParams];
  register: [RegisterRequest, void];
  /** POST /v1/auth/login without the device: the background knows which browser this is. */
  signIn: [Omit<SignInRequest, "device">, void];
  signOut: [undefined, void];
  getLocations: [undefined, Location[]];
  connect: [StartSessionRequest, ConnectionView];
  disconnect: [undefined, ConnectionView];
  getUsage: [{ cursor?: string | null }, UsageResponse];
  getDevices: [undefined, DevicesResponse];
  removeDevice: [{ id: string }, void];
  getSettings: [undefined, SettingsView];
  saveSettings: [Partial<EditableSettings & { telemetryOptIn: boolean }>, SettingsView];
  deleteAccount: [DeleteMeRequest, void];
  // ---- account, email and purchase (contract v1.1) ----
  /** The account as the API has it now (email verified since, plan changed since). */
  getAccount: [undefined, Account];
  resendVerification: [undefined, void];
  changePassword: [ChangePasswordRequest, void];
  changeEmail: [Required<Pick<PatchMeRequest, "email" | "authKey">>, Account];
  /** Turning the notice off carries the authKey (the password proved again). */
  setNotifyNewDevice: [{ enabled: boolean; authKey?: string }, Account];
  requestPasswordReset: [EmailLinkRequest, void];
  getPlans: [undefined, PlanOffer[]];
  /** Opens Stripe's hosted Checkout in a tab. */
  openCheckout: [CheckoutRequest, void];
  /** Opens Stripe's Customer Portal in a tab. */
  openPortal: [undefined, void];
  getDailyUsage: [undefined, DailyUsage[]];
  // ---- two-factor sign-in, sign-ins you can end, the policy's contacts (issue 18) ----
  /** POST /v1/auth/second-factor: finishes a sign-in that answered second_factor_required. */
  completeSecondFactor: [SecondFactorRequest, void];
  getTwoFactor: [undefined, TwoFactorStatusResponse];
  /** GET /v1/me/export; the popup opens the sealed username in it (export-panel.ts). */
  exportAccount: [undefined, ExportResponse];
  startTotpEnrolment: [{ authKey: string; accountName?: string }, TotpEnrolResponse];
  /** Turns TOTP on; answers the ten recovery codes, shown once. */
  confirmTotpEnrolment: [{ code: string }, string[]];
  regenerateRecoveryCodes: [TwoFactorProofRequest, string[]];
  disableTwoFactor: [TwoFactorProofRequest, void];
  renameDevice: [{ id: string; label: string }, void];
  /** Signs every other device out; answers how many. */
  signOutOthers: [undefined, number];
  getContacts: [undefined, ContactsResponse];
  // passkeys (issue 18 item 3): pages of the API's own origin, opened in a tab
  /** Opens the page that registers a passkey, with a one-time ticket. */
  addPasskey: [undefined, void];
  listPasskeys: [undefined, PasskeyListResponse];
  removePasskey: [{ id: string }, void];
  /** Opens the second_factor_required problem's passkeyUrl (only an /account/passkey-sign-in page). */
  openPasskeySignIn: [{ url: string; challenge: string; expiresAt: string }, void];
  /** How the passkey step the background carries stands: the popup reopened after the tab shows it. */
  passkeySignInState: [undefined, PasskeySignInView];
  forgetPasskeySignIn: [undefined, void];
  // per-site locations (issue 19 item 3)
  getSiteRules: [undefined, SiteRulesView];
  /** Adds (or moves) the rule for a site; validation_failed when the site is not a host. */
  addSiteRule: [SiteRule, SiteRulesView];
  removeSiteRule: [{ site: string }, SiteRulesView];
}

/** The per-site rules, how each rule's location is doing, and the site of the tab the popup was opened on. */
export interface SiteRulesView {
  rules: SiteRule[];
  status: Record<string, SiteLocationStatus>;
  currentSite: string | null;
}

export type RequestType = keyof Requests;
export type Payload<K extends RequestType> = Requests[K][0];
export type Answer<K extends RequestType> = Requests[K][1];

export interface Message<K extends RequestType = RequestType> {
  channel: "cargo";
  type: K;
  payload: Payload<K>;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type Handlers = { [K in RequestType]: (payload: Payload<K>) => Promise<Answer<K>> };

export const REQUEST_TYPES: readonly RequestType[] = [
  "getStatus",
  "prelogin",
  "register",
  "signIn",
  "signOut",
  "getLocations",
  "connect",
  "disconnect",
  "getUsage",
  "getDevices",
  "removeDevice",
  "getSettings",
  "saveSettings",
  "deleteAccount",
  "getAccount",
  "resendVerification",
  "changePassword",
  "changeEmail",
  "setNotifyNewDevice",
  "requestPasswordReset",
  "getPlans",
  "openCheckout",
  "openPortal",
  "getDailyUsage",
  "completeSecondFactor",
  "getTwoFactor",
  "exportAccount",
  "startTotpEnrolment",
  "confirmTotpEnrolment",
  "regenerateRecoveryCodes",
  "disableTwoFactor",
  "renameDevice",
  "signOutOthers",
  "getContacts",
  "addPasskey",
  "listPasskeys",
  "removePasskey",
  "openPasskeySignIn",
  "getSiteRules",
  "addSiteRule",
  "removeSiteRule",
  "passkeySignInState",
  "forgetPasskeySignIn",
];

export type Send = (message: Message) => Promise<unknown>;

/** Page side: send one request and unwrap the answer, throwing ApiError on failure. */
export async function request<K extends RequestType>(send: Send, type: K, payload: Payload<K>): Promise<Answer<K>> {
  let envelope: Envelope<Answer<K>> | undefined;
  try {
    envelope = (await send({ channel: "cargo", type, payload })) as Envelope<Answer<K>> | undefined;
  } catch {
    // The background is restarting or gone: the same as not reaching it.
    throw new ApiError({ code: "network", status: 0 });
  }
  if (!envelope || typeof envelope !== "object" || !("ok" in envelope)) {
    throw new ApiError({ code: "unknown", status: 0 });
  }
  if (!envelope.ok) throw new ApiError(envelope.error);
  return envelope.value;
}

function isMessage(value: unknown): value is Message {
  return (
    typeof value === "object" && value !== null && (value as Message).channel === "cargo" && REQUEST_TYPES.includes((value as Message).type)
  );
}

/**
 * Background side: a `runtime.onMessage` listener. Only our own pages may
 * talk to it (content scripts of other extensions cannot reach runtime
 * messaging, but a sender check costs nothing).
 */
export function createMessageListener(handlers: Handlers, extensionId: string) {
  return (message: unknown, sender: { id?: string }, sendResponse: (answer: Envelope<unknown>) => void): boolean => {
    if (!isMessage(message)) return false;
    if (sender.id !== undefined && sender.id !== extensionId) return false;
    const handler = handlers[message.type] as (payload: unknown) => Promise<unknown>;
    handler(message.payload).then(
      (value) => sendResponse({ ok: true, value }),
      (error: unknown) => sendResponse({ ok: false, error: toErrorInfo(error) }),
    );
    return true;
  };
}
