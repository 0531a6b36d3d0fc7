/**
 * The location picker: a searchable combobox with a listbox popup (the WAI-ARIA
 * "combobox with listbox" pattern). Typing filters by name or country; the
 * list shows "Fastest" (the online location with the lowest measured latency,
 * latency.ts; by load until one is measured), the
 * favourites, the recent choices, every online location, and the offline ones
 * apart and not choosable. Each row carries its country's flag (bundled SVG,
 * flags.ts, decorative: the country's name is in the text; emoji flags render
 * as empty boxes or bare letters on many systems), its measured latency
 * ("23 ms", or "no answer") and its load.
 *
 * Without a saved choice, "Fastest" is the one chosen (latency.ts, defaultLocation),
 * and it follows the figures as they come in until someone chooses.
 *
 * Arrow keys only move the highlight (aria-activedescendant): a location is
 * chosen only by Enter or a click, and `onChoose` fires only then — so no key
 * can move a live tunnel by itself (the panel then offers "Move to …").
 *
 *   const picker = new LocationPicker(localStorage);
 *   picker.onChoose = (id) => …;
 *   picker.setLocations(locations, preferredId);
 *   picker.value;   // the chosen location's id
 */
import type { Location } from "@cargo-vpn/shared/schemas";
import { h } from "../dom";
import { flagImage } from "../flags";
import { countryName, formatLatency } from "../format";
import { type MessageKey, t } from "../i18n";
import { defaultLocation, fastestLocation, type Latencies } from "./latency";

const FAVOURITES_KEY = "cargo.favouriteLocations";
const RECENTS_KEY = "cargo.recentLocations";
const MAX_RECENTS = 3;

/** Where favourites and recents are kept (the popup's localStorage: this device only, never sent). */
export interface PickerMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function label(location: Location): string {
  return t("locationWithCountry", location.name, countryName(location.country));
}

function readList(memory: PickerMemory, key: string): string[] {
  try {
    const value = JSON.parse(memory.getItem(key) ?? "[]") as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

interface Row {
  domId: string;
  location: Location;
  text: string;
}

export class LocationPicker {
  readonly element: HTMLDivElement;
  readonly input: HTMLInputElement;
  private readonly flag: HTMLImageElement;
  private readonly list: HTMLDivElement;
  private readonly favourite: HTMLButtonElement;
  private locations: Location[] = [];
  private latencies: Latencies = new Map();
  private rows: Row[] = [];
  private active = -1;
  private chosen = "";
  /** Nobody chose `chosen` (no saved choice, no click): it follows "Fastest" as the figures come in (list closed). */
  private chosenByDefault = false;
  /** An explicit choice (Enter, a click): never an arrow key. */
  onChoose: (id: string) => void = () => {};

  constructor(private readonly memory: PickerMemory) {
    this.list = h("div", { id: "location-list", role: "listbox", className: "picker-list", hidden: true, "aria-label": t("locations") });
    this.input = h("input", {
      id: "location",
      type: "text",
      role: "combobox",
      autocomplete: "off",
      spellcheck: false,
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": "location-list",
      "aria-describedby": "location-hint",
    });
    this.flag = h("img", { className: "flag", alt: "" });
    this.favourite = h(
      "button",
      { type: "button", className: "favourite", "aria-pressed": "false", onclick: () => this.toggleFavourite() },
      t("favourite"),
    );
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("input", () => this.open(this.input.value));
    this.input.addEventListener("focus", () => this.input.select());
    this.input.addEventListener("blur", () => this.close());
    // Keep the focus in the input while a row is clicked.
    this.list.addEventListener("mousedown", (event) => event.preventDefault());
    this.list.addEventListener("click", (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[role="option"]');
      if (row && row.getAttribute("aria-disabled") !== "true") this.choose(row.dataset.locationId!);
    });
    this.element = h(
      "div",
      { className: "field picker" },
      h("label", { htmlFor: "location" }, t("location")),
      h("div", { className: "picker-row" }, this.flag, this.input, this.favourite),
      h("p", { id: "location-hint", className: "hint" }, t("locationHint")),
      this.list,
    );
  }

  /** The chosen location's id ("" before there is one). */
  get value(): string {
    return this.chosen;
  }

  /** True while the choice is "Fastest" by default: nobody chose, so the figures may still move it. */
  get chosenByFigures(): boolean {
    return this.chosenByDefault;
  }

  /** Shows `id` as chosen (a state from the background), without `onChoose`. */
  select(id: string): void {
    const location = this.locations.find((l) => l.id === id);
    if (!location) return;
    this.chosen = id;
    this.chosenByDefault = false;
    this.showChosen();
  }

  /** `preferred`: the saved choice (or the tunnel's); without one that is online, "Fastest" is chosen. */
  setLocations(locations: Location[], preferred: string | null): void {
    this.locations = locations;
    const keep = [this.chosenByDefault ? "" : this.chosen, preferred].find((id) => id && locations.some((l) => l.id === id && l.online));
    if (keep) {
      this.chosen = keep;
      this.chosenByDefault = false;
    } else {
      this.chooseDefault();
    }
    this.showChosen();
    if (this.input.getAttribute("aria-expanded") === "true") this.render(this.input.value);
  }

  /** Measured latencies (latency.ts): shown per row, and "Fastest" follows them (so does a default choice). */
  setLatencies(latencies: Latencies): void {
    this.latencies = latencies;
    // Not while the list is open: the person is choosing, and the text typed filters against the choice shown.
    if (this.chosenByDefault && this.list.hidden) {
      this.chooseDefault();
      this.showChosen();
    }
    if (this.input.getAttribute("aria-expanded") === "true") this.render(this.input.value);
  }

  private chooseDefault(): void {
    this.chosen = defaultLocation(this.locations, this.latencies)?.id ?? "";
    this.chosenByDefault = true;
  }

  /** "23 ms · load 60%", "no answer · load 60%", or the load alone before a measurement. */
  private rowFacts(l: Location): string {
    if (!l.online) return t("offline");
    const ms = this.latencies.get(l.id);
    const load = t("loadPercent", Math.round(l.load * 100));
    if (ms === undefined) return load;
    return t("latencyAndLoad", ms === null ? t("latencyNoAnswer") : formatLatency(ms), load);
  }

  private showChosen(): void {
    const location = this.locations.find((l) => l.id === this.chosen);
    this.input.dataset.locationId = this.chosen;
    if (document.activeElement !== this.input || this.list.hidden) this.input.value = location ? label(location) : "";
    if (location) flagImage(location.country, this.flag);
    else this.flag.hidden = true;
    const favourite = readList(this.memory, FAVOURITES_KEY).includes(this.chosen);
    this.favourite.setAttribute("aria-pressed", String(favourite));
    this.favourite.disabled = !location;
  }

  private toggleFavourite(): void {
    if (!this.chosen) return;
    const favourites = readList(this.memory, FAVOURITES_KEY);
    const next = favourites.includes(this.chosen) ? favourites.filter((id) => id !== this.chosen) : [...favourites, this.chosen];
    this.memory.setItem(FAVOURITES_KEY, JSON.stringify(next));
    this.showChosen();
  }

  private choose(id: string): void {
    const location = this.locations.find((l) => l.id === id);
    if (!location?.online) return;
    this.chosen = id;
    this.chosenByDefault = false;
    const recents = [id, ...readList(this.memory, RECENTS_KEY).filter((r) => r !== id)].slice(0, MAX_RECENTS);
    this.memory.setItem(RECENTS_KEY, JSON.stringify(recents));
    this.close();
    this.showChosen();
    this.onChoose(id);
  }

  private open(query: string): void {
    this.render(query);
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
    // Closed without a choice: a default catches up with figures that came in while the list was open.
    if (this.chosenByDefault) this.chooseDefault();
    this.showChosen();
  }

  /** The groups, filtered by what was typed (a chosen location's own label shows everything). */
  private render(query: string): void {
    const location = this.locations.find((l) => l.id === this.chosen);
    const needle = location && query === label(location) ? "" : query.trim().toLocaleLowerCase();
    const matches = (l: Location) =>
      !needle ||
      l.name.toLocaleLowerCase().includes(needle) ||
      countryName(l.country).toLocaleLowerCase().includes(needle) ||
      l.country.toLowerCase() === needle;
    const online = this.locations.filter((l) => l.online && matches(l));
    const byId = (ids: string[]) => ids.map((id) => online.find((l) => l.id === id)).filter((l): l is Location => l !== undefined);
    const fastest = fastestLocation(online, this.latencies);
    const groups: Array<[string, MessageKey, Location[], boolean]> = [
      ["fastest", "locationsFastest", fastest ? [fastest] : [], true],
      ["favourites", "locationsFavourites", byId(readList(this.memory, FAVOURITES_KEY)), true],
      ["recent", "locationsRecent", byId(readList(this.memory, RECENTS_KEY)), true],
      ["all", "locationsAll", online, true],
      ["offline", "locationsOffline", this.locations.filter((l) => !l.online && matches(l)), false],
    ];
    this.rows = [];
    const children: HTMLElement[] = [];
    for (const [group, key, members, enabled] of groups) {
      if (members.length === 0) continue;
      const headingId = `location-group-${group}`;
      children.push(
        h(
          "div",
          { role: "group", "aria-labelledby": headingId },
          h("div", { role: "presentation", id: headingId, className: "picker-group" }, t(key)),
          ...members.map((l) => {
            const domId = `location-option-${group}-${l.id}`;
            const text = label(l);
            if (enabled) this.rows.push({ domId, location: l, text });
            return h(
              "div",
              {
                role: "option",
                id: domId,
                className: "picker-option",
                "aria-selected": String(l.id === this.chosen),
                "aria-disabled": enabled ? null : "true",
                dataset: { locationId: l.id },
              },
              flagImage(l.country),
              text,
              h("span", { className: "hint" }, " — ", this.rowFacts(l)),
            );
          }),
        ),
      );
    }
    if (children.length === 0) children.push(h("div", { role: "presentation", className: "hint" }, t("noMatchingLocations")));
    this.list.replaceChildren(...children);
    this.active = Math.min(this.active, this.rows.length - 1);
    this.highlight();
  }

  private highlight(): void {
    for (const option of this.list.querySelectorAll('[role="option"]')) option.classList.remove("active");
    const row = this.rows[this.active];
    if (!row) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    const option = document.getElementById(row.domId);
    option?.classList.add("active");
    option?.scrollIntoView?.({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", row.domId);
  }

  private onKey(event: KeyboardEvent): void {
    const isOpen = !this.list.hidden;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        if (!isOpen) this.open(this.input.value);
        if (this.rows.length === 0) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        this.active = this.active < 0 ? (step > 0 ? 0 : this.rows.length - 1) : (this.active + step + this.rows.length) % this.rows.length;
        this.highlight();
        return;
      }
      case "Enter": {
        const row = this.rows[this.active];
        if (isOpen && row) {
          event.preventDefault();
          this.choose(row.location.id);
        }
        return;
      }
      case "Escape":
        if (isOpen) {
          event.preventDefault();
          this.close();
        }
        return;
    }
  }
}
