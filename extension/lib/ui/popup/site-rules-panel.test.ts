// @vitest-environment happy-dom
/** The Sites view on its own: the focus goes to the new rule and stays on it when the list is drawn again. */
import { beforeEach, describe, expect, it } from "vitest";
import type { SiteRulesView } from "../../messages/protocol";
import { installMessages } from "../../../tests/support/popup-harness";
import type { Call } from "../messenger";
import { SiteRulesPanel } from "./site-rules-panel";

const LOCATIONS = [
  { id: "fra", name: "Frankfurt", country: "DE", load: 0.6, online: true, pingUrl: "https://fra.gw.example:443/ping" },
  { id: "ams", name: "Amsterdam", country: "NL", load: 0.2, online: true, pingUrl: "https://ams.gw.example:443/ping" },
];

function panel() {
  document.body.innerHTML = "";
  let view: SiteRulesView = { rules: [], status: {}, currentSite: null };
  const call = (async (type: string, payload: { site: string; locationId: string }) => {
    if (type === "addSiteRule") view = { ...view, rules: [...view.rules, payload], status: { [payload.locationId]: { state: "waiting" } } };
    return view;
  }) as unknown as Call;
  const sites = new SiteRulesPanel(call);
  document.body.append(sites.element);
  sites.setLocations(LOCATIONS);
  return sites;
}

async function addRule(sites: SiteRulesPanel, site: string): Promise<void> {
  sites.element.querySelector<HTMLInputElement>("#site-rule-site")!.value = site;
  sites.element.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
  await expect.poll(() => (document.activeElement as HTMLElement | null)?.dataset.site).toBe(site);
}

describe("SiteRulesPanel", () => {
  beforeEach(installMessages);

  it("keeps the focus on the new rule when the list is drawn again (a location update while it is focused)", async () => {
    const sites = panel();
    await addRule(sites, "site-b.test");
    const before = document.activeElement;
    sites.setLocations([...LOCATIONS]);
    expect(document.activeElement).not.toBe(before); // the row is a new element
    expect((document.activeElement as HTMLElement).dataset.site).toBe("site-b.test");
  });

  it("keeps the focus on a rule's Remove button across a redraw", async () => {
    const sites = panel();
    await addRule(sites, "site-b.test");
    sites.element.querySelector<HTMLButtonElement>('li[data-site="site-b.test"] button')!.focus();
    sites.setLocations([...LOCATIONS]);
    expect(document.activeElement?.getAttribute("aria-label")).toMatch(/site-b\.test/);
    expect(document.activeElement?.tagName).toBe("BUTTON");
  });
});
