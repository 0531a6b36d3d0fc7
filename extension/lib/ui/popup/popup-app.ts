/**
 * The popup: decides which screen to show and keeps the signed-in screen
 * fresh. The connection state arrives by push (messages/connection-feed.ts)
 * the moment the background has carried a change out; only the live traffic
 * of an open session is refreshed on a timer, because bytes have no event.
 *
 *   startPopup(document.getElementById("app")!, call, { openOptions, watchConnection });
 */
import { toErrorInfo } from "../../api/api-error";
import { POPUP_POLL_MS } from "../../config";
import type { ConnectionView, Status } from "../../messages/protocol";
import { h } from "../dom";
import { errorText } from "../retry-wait";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { signInView, type AuthViewDeps } from "./auth-views";
import type { ProbeDeps } from "./latency";
import { ConnectionPanel, switchIsOn } from "./connection-panel";
import { DevicesPanel } from "./devices-panel";
import { UsagePanel } from "./usage-panel";
import { AccountPanel, VerifyBanner } from "./account-panel";
import { UsageChart } from "./usage-chart";
import { PopupViews } from "./popup-views";
import type { Account } from "@cargo-vpn/shared/schemas";
import { signOutOthersControl, TwoFactorPanel } from "./two-factor";
import { PasskeysPanel, passkeyWaitingView } from "./passkeys";
import { ExportPanel } from "./export-panel";
import { SiteRulesPanel } from "./site-rules-panel";

export interface PopupOptions {
  openOptions: () => void;
  /** Subscribes to the background's state pushes; returns the unsubscribe. */
  watchConnection: (listener: (view: ConnectionView) => void) => () => void;
  /** How often live traffic is refreshed while a session is open. */
  pollMs?: number;
  /** How gateways are timed for the picker (latency.ts); default the page's fetch and clock. */
  probe?: ProbeDeps;
}

export function startPopup(root: HTMLElement, call: Call, options: PopupOptions): { stop: () => void } {
  let timer: ReturnType<typeof setInterval> | undefined;
  let unwatch: (() => void) | undefined;
  const stopPolling = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    unwatch?.();
    unwatch = undefined;
  };

  // Opening the popup puts the focus in the first field; every later change of view puts it on the new
  // view's heading, so a screen reader says where the person is now and the focus never falls to BODY.
  let navigated = false;
  const show = (view: HTMLElement) => {
    root.replaceChildren(view);
    const heading = navigated ? view.querySelector<HTMLElement>("h1") : null;
    (heading ?? view.querySelector<HTMLElement>("input, select, button"))?.focus();
    navigated = true;
  };
  const authDeps: AuthViewDeps = { call, show, onSignedIn: () => void load() };

  function markReady(): void {
    if (root.dataset.ready) return;
    root.dataset.ready = "true";
    performance.mark("cargo-popup-interactive");
  }

  async function load(): Promise<void> {
    stopPolling();
    let status: Status;
    try {
      status = await call("getStatus", undefined);
    } catch (error) {
      root.replaceChildren(h("main", {}, h("p", { role: "alert" }, errorText(toErrorInfo(error)))));
      markReady();
      return;
    }
    if (!status.signedIn) {
      const signIn = () => show(signInView({ ...authDeps, heldWhileSignedOut: switchIsOn(status.connection) }));
      // A passkey step the background still carries (or just saw fail) is shown, not a fresh sign-in.
      const passkey = await call("passkeySignInState", undefined).catch(() => ({ state: "none" as const }));
      if (passkey.state === "waiting" || passkey.state === "failed") show(passkeyWaitingView(authDeps, signIn));
      else signIn();
      markReady();
      return;
    }
    await mainScreen(status);
    markReady();
  }

  async function mainScreen(initial: Status): Promise<void> {
    const connection = new ConnectionPanel(call, () => void poll(), globalThis.localStorage, options.probe);
    const usage = new UsagePanel((cursor) => call("getUsage", { cursor }));
    const devices = new DevicesPanel(
      async (id) => {
        await call("removeDevice", { id });
        devices.show(await call("getDevices", undefined));
      },
      async (id, label) => {
        await call("renameDevice", { id, label });
        devices.show(await call("getDevices", undefined));
      },
    );
    const alert = h("p", { className: "alert", role: "alert" });
    const account = initial.account!;
    const chart = new UsageChart();
    usage.element.querySelector("h2")?.after(chart.element);
    const banner = new VerifyBanner(call);
    const accountPanel = new AccountPanel(call, account);
    const twoFactor = new TwoFactorPanel(call, account.username ?? "");
    const passkeys = new PasskeysPanel(call);
    const sites = new SiteRulesPanel(call);
    const exportPanel = new ExportPanel(call, () => account.username);
    const signOutOthers = signOutOthersControl(call, () => void call("getDevices", undefined).then((d) => devices.show(d)));
    const showAccount = (latest: Account) => {
      banner.show(latest);
      accountPanel.show(latest);
    };
    accountPanel.onAccountChanged = showAccount;
    banner.show(account);
    const signOut = h(
      "button",
      {
        type: "button",
        onclick: async () => {
          signOut.disabled = true;
          try {
            await call("signOut", undefined);
          } finally {
            void load();
          }
        },
      },
      t("signOut"),
    );

    // The first view answers "am I protected?" at a glance; the rest sit one button away (popup-views.ts).
    const status = h(
      "section",
      { className: "status-view", "aria-labelledby": "status-heading" },
      h("h2", { id: "status-heading", className: "visually-hidden" }, t("viewStatus")),
      banner.element,
      connection.element,
      alert,
    );
    devices.element.append(signOutOthers);
    accountPanel.element.append(
      twoFactor.element,
      passkeys.element,
      exportPanel.element,
      h(
        "footer",
        {},
        h("button", { type: "button", className: "link", onclick: options.openOptions }, t("openSettings")),
        exportPanel.toggle,
        signOut,
      ),
    );
    const views = new PopupViews([
      { id: "status", label: t("viewStatus"), element: status },
      { id: "sites", label: t("viewSites"), element: sites.element },
      { id: "usage", label: t("viewUsage"), element: usage.element },
      { id: "devices", label: t("viewDevices"), element: devices.element },
      { id: "account", label: t("viewAccount"), element: accountPanel.element },
    ]);
    root.replaceChildren(
      h(
        "main",
        { className: "signed-in" },
        h(
          "header",
          {},
          h("h1", { id: "main-heading", tabIndex: -1 }, t("extName")),
          h("p", { className: "hint" }, t("signedInAs", account.username ?? "")),
        ),
        views.nav,
        ...views.elements,
      ),
    );
    connection.update(initial);
    if (navigated) root.querySelector<HTMLElement>("#main-heading")?.focus();
    navigated = true;

    let shownState = initial.connection.state;
    let inFlight: Promise<void> | null = null;
    let again = false;
    // One refresh at a time; a request made meanwhile runs once more after it, so the last word always lands.
    poll = async () => {
      if (inFlight) {
        again = true;
        return inFlight;
      }
      inFlight = (async () => {
        do {
          again = false;
          try {
            const status = await call("getStatus", undefined);
            if (!status.signedIn) return void load();
            connection.update(status);
            shownState = status.connection.state;
            await refreshUsage(status);
            // Each rule says whether its location is in use yet (the site sessions follow the main tunnel).
            await sites.refresh();
            // Today's bar follows the open session's live counters.
            if (shownState === "connected") await refreshChart();
          } catch {
            // A missed refresh is not worth an error message; the next one will tell.
          }
        } while (again);
      })();
      try {
        await inFlight;
      } finally {
        inFlight = null;
      }
    };
    // Listen before anything else is awaited, then ask once more: a change the background carried out
    // after answering `initial` was pushed before anyone listened, and no later push repeats it (a popup
    // opened mid-reconnect would show "Restoring…" for good).
    let pushed = false;
    const follow = (view: ConnectionView) => {
      connection.show(view);
      // A new state: fresh usage (the ended session's final numbers, or the new one's).
      if (view.state !== shownState) {
        shownState = view.state;
        void poll();
        void refreshChart().catch(() => {});
      }
    };
    unwatch = options.watchConnection((view) => {
      pushed = true;
      follow(view);
    });
    void call("getStatus", undefined).then(
      (latest) => {
        // A push that arrived meanwhile is newer than this answer (getStatus is read before it is sent).
        if (!pushed) follow(latest.connection);
      },
      () => {},
    );

    // Locations first: the switch needs a location to be usable. The list remembered from last time makes
    // it usable at once (the popup's time to interactive); the API's fresh list replaces it when it comes.
    const preferred = initial.connection.locationId ?? initial.lastLocationId;
    // The panel redraws its current state with the new names: `initial` may be behind a push by now.
    const fresh = call("getLocations", undefined).then((locations) => {
      connection.setLocations(locations, preferred);
      sites.setLocations(locations);
    });
    if (initial.locations) {
      connection.setLocations(initial.locations, preferred);
      sites.setLocations(initial.locations);
      void fresh.catch(async (error) => {
        if (!(await signedOutBy(error))) alert.textContent = errorText(toErrorInfo(error));
      });
    } else {
      try {
        await fresh;
      } catch (error) {
        connection.locationsUnavailable();
        if (await signedOutBy(error)) return;
        alert.textContent = errorText(toErrorInfo(error));
      }
    }
    void Promise.all([
      refreshUsage(initial),
      refreshChart(),
      call("getDevices", undefined).then((d) => devices.show(d)),
      twoFactor.refresh(),
      passkeys.refresh(),
      sites.refresh(),
      // The stored account may be behind (email confirmed, plan bought since): ask the API.
      call("getAccount", undefined).then(showAccount),
    ]).catch(async (error) => {
      if (!(await signedOutBy(error))) alert.textContent = errorText(toErrorInfo(error));
    });
    // Plans are public and only feed the upgrade choice: a failure leaves "Upgrade" hidden, nothing else.
    void call("getPlans", undefined).then(
      (plans) => accountPanel.setPlans(plans),
      () => {},
    );

    async function refreshChart(): Promise<void> {
      chart.show(await call("getDailyUsage", undefined));
    }

    async function refreshUsage(status: Status): Promise<void> {
      usage.show(await call("getUsage", {}), status.connection.sessionId);
    }

    // Bytes have no event: refresh the live traffic while a session is open.
    timer = setInterval(() => {
      if (shownState === "connected") void poll();
    }, options.pollMs ?? POPUP_POLL_MS);
  }

  async function signedOutBy(error: unknown): Promise<boolean> {
    if (toErrorInfo(error).code !== "unauthorized") return false;
    await load();
    return true;
  }

  let poll: () => Promise<void> = async () => {};
  void load();
  return { stop: stopPolling };
}
