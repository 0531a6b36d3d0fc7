// @vitest-environment happy-dom
/** The location picker on its own: offline apart and not choosable, search by country, flags from the code. */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { flagUrl } from "../flags";
import { installMessages } from "../../../tests/support/popup-harness";
import { LocationPicker } from "./location-picker";

const ONLINE = [
  { id: "fra", name: "Frankfurt", country: "DE", load: 0.6, online: true, pingUrl: "https://fra.gw.example:443/ping" },
  { id: "ams", name: "Amsterdam", country: "NL", load: 0.2, online: true, pingUrl: "https://ams.gw.example:443/ping" },
];
const OFFLINE = { id: "osl", name: "Oslo", country: "NO", load: 0, online: false, pingUrl: "https://osl.gw.example:443/ping" };

function picker() {
  document.body.innerHTML = "";
  localStorage.clear();
  const p = new LocationPicker(localStorage);
  document.body.append(p.element);
  let chosen = "";
  p.onChoose = (id) => (chosen = id);
  p.setLocations([...ONLINE, OFFLINE], null);
  const key = (k: string) => p.input.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
  const groups = () =>
    [...p.element.querySelectorAll('[role="group"]')].map((g) => [
      g.querySelector('[role="presentation"]')!.textContent,
      [...g.querySelectorAll<HTMLElement>('[role="option"]')].map((o) => o.dataset.locationId),
    ]);
  return { p, key, groups, chosen: () => chosen };
}

/** Latencies by location id, as latency.ts gives them. */
const figures = (ms: Record<string, number | null>) => new Map(Object.entries(ms));

beforeEach(() => installMessages());

describe("LocationPicker", () => {
  it("lists Fastest (lowest load), every online location, and the offline ones apart", () => {
    const { p, key, groups } = picker();
    p.input.focus();
    key("ArrowDown");
    expect(groups()).toEqual([
      ["Fastest", ["ams"]],
      ["All locations", ["fra", "ams"]],
      ["Offline", ["osl"]],
    ]);
    const oslo = p.element.querySelector<HTMLElement>('[role="option"][data-location-id="osl"]')!;
    expect(oslo.getAttribute("aria-disabled")).toBe("true");
  });

  it("an offline row cannot be chosen, by click or by keys (the highlight skips it)", () => {
    const { p, key, chosen } = picker();
    p.input.focus();
    key("ArrowDown");
    p.element.querySelector<HTMLElement>('[data-location-id="osl"]')!.click();
    expect(chosen()).toBe("");
    for (let i = 0; i < 10; i++) {
      key("ArrowDown");
      expect(p.input.getAttribute("aria-activedescendant")).not.toContain("osl");
    }
    expect(p.value).toBe("ams");
  });

  it("searches by name or by country, in the language shown", () => {
    const { p, groups } = picker();
    p.input.value = "nether";
    p.input.dispatchEvent(new Event("input", { bubbles: true }));
    expect(groups()).toEqual([
      ["Fastest", ["ams"]],
      ["All locations", ["ams"]],
    ]);
    p.input.value = "zzz";
    p.input.dispatchEvent(new Event("input", { bubbles: true }));
    expect(p.element.querySelector("#location-list")!.textContent).toBe("No location matches.");
  });

  it("only Enter or a click chooses; Escape closes and keeps the choice", () => {
    const { p, key, chosen } = picker();
    p.input.focus();
    key("ArrowDown");
    key("ArrowDown");
    expect(chosen()).toBe("");
    key("Escape");
    expect(p.value).toBe("ams");
    key("ArrowDown");
    key("ArrowDown");
    key("Enter");
    expect(chosen()).toBe("fra");
    expect(p.value).toBe("fra");
    expect(p.input.value).toBe("Frankfurt (Germany)");
  });

  it("without a saved choice chooses Fastest, and follows it as figures come in until someone chooses", () => {
    const { p, key } = picker();
    // Before any figure: Fastest is the lowest load (Amsterdam), not the first row (Frankfurt).
    expect(p.value).toBe("ams");
    expect(p.input.value).toBe("Amsterdam (Netherlands)");
    p.setLatencies(figures({ fra: 20, ams: 90 }));
    expect(p.value).toBe("fra");
    expect(p.input.value).toBe("Frankfurt (Germany)");
    // Figures that come in while the list is open leave the text being read alone; closing catches up.
    p.input.focus();
    key("ArrowDown");
    p.setLatencies(figures({ fra: 90, ams: 20 }));
    expect(p.value).toBe("fra");
    key("Escape");
    expect(p.value).toBe("ams");
    expect(p.input.value).toBe("Amsterdam (Netherlands)");
    p.input.blur();
    // Every gateway silent: no Fastest, the first online one.
    p.setLatencies(figures({ fra: null, ams: null }));
    expect(p.value).toBe("fra");
    // Once chosen (here Amsterdam, by keys), new figures no longer move it.
    p.setLatencies(figures({ fra: 20, ams: 90 }));
    p.input.focus();
    key("ArrowDown");
    key("ArrowDown");
    key("ArrowDown");
    key("Enter");
    expect(p.value).toBe("ams");
    p.setLatencies(figures({ fra: 5, ams: 90 }));
    p.setLocations([...ONLINE, OFFLINE], null);
    expect(p.value).toBe("ams");
  });

  it("keeps a saved choice that is online over Fastest; an offline one gives way to Fastest", () => {
    const { p } = picker();
    p.setLocations([...ONLINE, OFFLINE], "fra");
    p.setLatencies(figures({ ams: 5, fra: 90 }));
    expect(p.value).toBe("fra");
    const fresh = picker().p;
    fresh.setLocations([...ONLINE, OFFLINE], "osl");
    expect(fresh.value).toBe("ams");
  });

  it('each row carries its country\'s bundled flag, decorative (alt=""), nothing fetched from elsewhere', async () => {
    // Small flags are inlined into the bundle (data: URLs), larger ones are files of the extension.
    const bundled = /^(data:image\/svg\+xml,|\/.*\/de\.svg$)/;
    expect(await flagUrl("DE")).toMatch(bundled);
    expect(await flagUrl("zz")).toBeUndefined();
    const { p, key } = picker();
    p.input.focus();
    key("ArrowDown");
    const row = p.element.querySelector('[role="option"][data-location-id="fra"]')!;
    const flag = row.querySelector<HTMLImageElement>("img.flag")!;
    expect(flag.getAttribute("alt")).toBe("");
    await vi.waitFor(() => expect(flag.getAttribute("src")).toMatch(bundled));
    expect(flag.hidden).toBe(false);
    expect(row.textContent).toBe("Frankfurt (Germany) — load 60%");
    for (const img of p.element.querySelectorAll("img")) expect(img.getAttribute("src") ?? "").not.toMatch(/^(https?:)?\/\//);
    // The chosen location's flag (Amsterdam, Fastest by load) beside the input too.
    const chosenFlag = p.element.querySelector<HTMLImageElement>('[role="option"][data-location-id="ams"] img.flag')!;
    const beside = p.element.querySelector<HTMLImageElement>(".picker-row img.flag")!;
    await vi.waitFor(() => expect(beside.getAttribute("src")).toMatch(bundled));
    await vi.waitFor(() => expect(beside.getAttribute("src")).toBe(chosenFlag.getAttribute("src")));
    expect(beside.getAttribute("src")).not.toBe(flag.getAttribute("src"));
  });

  it("shows each row's measured latency, marks a gateway that did not answer, and Fastest follows the latency", () => {
    const { p, key, groups } = picker();
    p.setLatencies(
      new Map([
        ["fra", 23],
        ["ams", null],
      ]),
    );
    p.input.focus();
    key("ArrowDown");
    expect(groups()[0]).toEqual(["Fastest", ["fra"]]);
    const row = (id: string) => p.element.querySelector(`[role="option"][data-location-id="${id}"]`)!.textContent;
    expect(row("fra")).toBe("Frankfurt (Germany) — 23 ms · load 60%");
    expect(row("ams")).toBe("Amsterdam (Netherlands) — no answer · load 20%");
    // New figures while the list is open redraw it.
    p.setLatencies(
      new Map([
        ["fra", 90],
        ["ams", 12],
      ]),
    );
    expect(groups()[0]).toEqual(["Fastest", ["ams"]]);
    expect(row("ams")).toBe("Amsterdam (Netherlands) — 12 ms · load 20%");
  });
});
