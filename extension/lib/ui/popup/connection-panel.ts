/**
 * The switch, the location picker and the state in words. Updated in place on
 * every pushed state change so keyboard focus and screen-reader position are
 * never lost. The switch shows "on" only once the background answered that
 * traffic is held (or tunnelled): never ahead of the browser.
 */
import type { Location } from "@cargo-vpn/shared/schemas";
import type { ConnectionView, Status } from "../../messages/protocol";
import { h } from "../dom";
import { errorMessageKey } from "../error-messages";
import { countryName, formatElapsed } from "../format";
import { shownLocale } from "../locale";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { measureLatencies, type ProbeDeps, readLatencies, saveLatencies } from "./latency";
import { LocationPicker, type PickerMemory } from "./location-picker";
import { showError } from "../retry-wait";

/** The switch reads "on" whenever traffic is meant to be in the tunnel, including while it is being restored. */
export function switchIsOn(view: ConnectionView): boolean {
  return (
    view.state === "connected" ||
    view.state === "connecting" ||
    view.state === "reconnecting" ||
    view.state === "held" ||
    (view.state === "error" && view.blocking === true)
  );
}

function stateSentence(view: ConnectionView, locationName: string): string {
  switch (view.state) {
    case "disconnected":
      return t("stateDisconnected");
    case "connecting":
      return t("stateConnecting", locationName);
    case "connected":
      return t("stateConnected", locationName);
    case "reconnecting":
      return [t("stateReconnecting", locationName), view.reason ? t(errorMessageKey(view.reason)) : ""].filter(Boolean).join(" ");
    case "held":
      return [t("stateHeld", locationName), view.reason ? t(errorMessageKey(view.reason)) : ""].filter(Boolean).join(" ");
    case "error":
      return [t(errorMessageKey(view.reason ?? "unknown")), view.blocking ? t("stateErrorBlocking") : ""].filter(Boolean).join(" ");
  }
}

export class ConnectionPanel {
  readonly element: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly picker: LocationPicker;
  private readonly sentence: HTMLParagraphElement;
  private readonly alert: HTMLParagraphElement;
  private readonly warning: HTMLParagraphElement;
  private readonly actions: HTMLDivElement;
  private readonly move: HTMLButtonElement;
  private readonly facts: HTMLDListElement;
  private readonly exitCountry: HTMLElement;
  private readonly elapsed: HTMLElement;
  private clock: ReturnType<typeof setInterval> | undefined;
  private locations: Location[] = [];
  private view: ConnectionView = { state: "disconnected" };
  private proxyControlledByOther = false;
  /** The probes last started for (their URLs): the same list is not measured twice in one opening. */
  private measuredFor = "";
  /** Settles once a location list is known (or the API's answer failed): a click before that waits for it. */
  private listKnown!: () => void;
  private readonly listArrived = new Promise<void>((resolve) => (this.listKnown = resolve));

  constructor(
    private readonly call: Call,
    private readonly refresh: () => void,
    /** Favourites, recent locations and the last latencies: this device's own, never sent. */
    private readonly memory: PickerMemory = globalThis.localStorage,
    private readonly probe: ProbeDeps = { fetch: (url, init) => fetch(url, init), now: () => performance.now() },
  ) {
    this.toggle = h(
      "button",
      {
        type: "button",
        role: "switch",
        className: "switch",
        "aria-checked": "false",
        "aria-labelledby": "vpn-label",
        onclick: () => this.flip(),
      },
      h("span", { className: "knob", "aria-hidden": "true" }),
    );
    this.picker = new LocationPicker(memory);
    this.picker.onChoose = () => this.onLocationChange();
    this.sentence = h("p", { id: "connection-state", className: "state", role: "status" });
    this.alert = h("p", { className: "alert", role: "alert" });
    // While the VPN is on, choosing another location only offers the move: one arrow key on the closed
    // list changes its value (and fires "change"), and must never move a live tunnel by itself.
    this.move = h("button", { type: "button", className: "primary", hidden: true, onclick: () => this.connect(this.picker.value) });
    this.warning = h("p", { className: "warning", hidden: true }, t("proxyControlledWarning"));
    this.actions = h(
      "div",
      { className: "actions", hidden: true },
      h("button", { type: "button", onclick: () => this.retry() }, t("tryAgain")),
      h("button", { type: "button", onclick: () => this.disconnect() }, t("goDirect")),
    );
    this.exitCountry = h("dd", { id: "exit-country" });
    this.elapsed = h("dd", { id: "connected-for" }, h("time", {}));
    this.facts = h(
      "dl",
      { className: "facts", hidden: true },
      h("div", {}, h("dt", {}, t("exitCountry")), this.exitCountry),
      h("div", {}, h("dt", {}, t("connectedFor")), this.elapsed),
    );
    this.element = h(
      "section",
      { className: "connection", "aria-labelledby": "vpn-label" },
      h("div", { className: "switch-row" }, h("span", { id: "vpn-label", className: "switch-label" }, t("vpnSwitch")), this.toggle),
      this.picker.element,
      this.move,
      this.sentence,
      this.facts,
      this.actions,
      this.warning,
      this.alert,
    );
  }

  setLocations(locations: Location[], preferred: string | null): void {
    this.locations = locations;
    this.listKnown();
    // The kept figures first, so that a default choice is the Fastest they name from the start.
    this.picker.setLatencies(readLatencies(this.memory));
    this.picker.setLocations(locations, this.view.locationId ?? preferred);
    if (locations.length === 0) this.alert.textContent = t("noLocations");
    this.measure(locations);
    // The sentence names the location: say it again with the names now known.
    this.show(this.view);
  }

  /** Times each gateway (latency.ts), only while the VPN is off: with it on the probes would go through the tunnel. */
  private measure(locations: Location[]): void {
    const urls = locations.map((l) => l.pingUrl).join(" ");
    if (switchIsOn(this.view) || urls === this.measuredFor) return;
    this.measuredFor = urls;
    void measureLatencies(locations, this.probe).then((latencies) => {
      saveLatencies(this.memory, latencies);
      this.picker.setLatencies(latencies);
    });
  }

  update(status: Pick<Status, "connection" | "proxyControlledByOther">): void {
    this.proxyControlledByOther = status.proxyControlledByOther;
    this.show(status.connection);
  }

  /** A state pushed by the background (or answered to connect/disconnect). */
  show(view: ConnectionView): void {
    this.view = view;
    const on = switchIsOn(view);
    this.toggle.setAttribute("aria-checked", String(on));
    const busy = view.state === "connecting" || view.state === "reconnecting" || view.state === "held";
    this.toggle.setAttribute("aria-busy", String(busy));
    this.element.dataset.state = view.state;
    // The tunnel's location shows as chosen, unless the person is choosing right now (then "Move to" offers theirs).
    // A tunnel on a default "Fastest" makes that location the choice: latencies measured before the switch
    // and answered after it must not move the shown location off the one the traffic goes through.
    const pin = switchIsOn(view) ? this.picker.chosenByFigures : this.picker.value !== view.locationId;
    if (view.locationId && pin && document.activeElement !== this.picker.input) this.picker.select(view.locationId);
    const location = this.locations.find((l) => l.id === (view.locationId ?? this.picker.value));
    const sentence = stateSentence(view, location ? t("locationWithCountry", location.name, countryName(location.country)) : "");
    // Only touch the live region when the words change, so screen readers announce changes, not repeats.
    if (this.sentence.textContent !== sentence) this.sentence.textContent = sentence;
    this.actions.hidden = !(view.state === "error" && view.blocking) && view.state !== "held" && view.state !== "reconnecting";
    this.warning.hidden = !this.proxyControlledByOther;
    this.offerMove();
    this.showFacts(view, location);
  }

  /** Connected: the exit country and the time connected (ticking each second while the page is open). */
  private showFacts(view: ConnectionView, location: Location | undefined): void {
    const connected = view.state === "connected" && view.sessionStartedAt !== undefined;
    this.facts.hidden = !connected;
    if (this.clock) clearInterval(this.clock);
    this.clock = undefined;
    if (!connected) return;
    this.exitCountry.textContent = location ? countryName(location.country, shownLocale()) : "";
    const started = Date.parse(view.sessionStartedAt!);
    const time = this.elapsed.firstElementChild as HTMLTimeElement;
    const tick = () => {
      if (!this.element.isConnected && this.clock) {
        clearInterval(this.clock);
        return;
      }
      const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      time.dateTime = `PT${seconds}S`;
      time.textContent = formatElapsed(seconds);
    };
    tick();
    this.clock = setInterval(tick, 1000);
  }

  private async flip(): Promise<void> {
    if (switchIsOn(this.view)) await this.disconnect();
    else await this.connect(this.picker.value);
  }

  private onLocationChange(): void {
    this.offerMove();
  }

  /** The explicit "Move to X" while on and another location is chosen; hidden otherwise. */
  private offerMove(): void {
    const chosen = this.locations.find((l) => l.id === this.picker.value);
    const offer = switchIsOn(this.view) && chosen !== undefined && this.view.locationId !== undefined && chosen.id !== this.view.locationId;
    this.move.hidden = !offer;
    if (offer) this.move.textContent = t("moveTo", t("locationWithCountry", chosen.name, countryName(chosen.country)));
  }

  /** The API's list could not be had (the popup says why): a click waiting for it goes on without. */
  locationsUnavailable(): void {
    this.listKnown();
  }

  private retry(): Promise<void> {
    return this.connect(this.picker.value);
  }

  private async connect(chosen: string): Promise<void> {
    this.alert.textContent = "";
    let locationId = chosen;
    if (!locationId) {
      // On a first opening the switch is there before the API's list (a busy machine: seconds). A click then
      // is meant for the location the list brings, not "No locations".
      this.toggle.setAttribute("aria-busy", "true");
      await this.listArrived;
      this.toggle.removeAttribute("aria-busy");
      locationId = this.picker.value;
    }
    if (!locationId) {
      this.alert.textContent = t("noLocations");
      return;
    }
    // Busy until the background answers: it answers once traffic is held, and only then does the switch read "on".
    this.toggle.setAttribute("aria-busy", "true");
    await this.run(() => this.call("connect", { locationId }));
  }

  private async disconnect(): Promise<void> {
    this.alert.textContent = "";
    await this.run(() => this.call("disconnect", undefined));
  }

  private async run(action: () => Promise<ConnectionView>): Promise<void> {
    try {
      this.show(await action());
    } catch (error) {
      this.toggle.setAttribute("aria-busy", "false");
      showError(this.alert, error);
    }
    this.refresh();
  }
}
