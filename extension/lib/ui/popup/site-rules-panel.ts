/**
 * The popup's Sites view: "always use <location> for <site>" rules. A form
 * (the site, prefilled with the current tab's, and the location) adds a rule,
 * each rule says whether its location is in use and has its own Remove
 * button, named after its site. Errors sit under the field they are about;
 * after a change the focus goes to what changed (the new rule, or the list's
 * heading when a rule is gone), never to BODY.
 *
 *   const sites = new SiteRulesPanel(call);
 *   sites.setLocations(locations);  await sites.refresh();
 */
import type { Location } from "@cargo-vpn/shared/schemas";
import { MAX_OPEN_SESSIONS_PER_DEVICE } from "@cargo-vpn/shared/session-rules";
import { toErrorInfo } from "../../api/api-error";
import type { SiteRulesView } from "../../messages/protocol";
import type { SiteLocationStatus } from "../../sites/site-tunnels";
import { normalizeSite } from "../../sites/site-rules";
import { field, h } from "../dom";
import { clearFieldErrors, setFieldError } from "../field-errors";
import { countryName } from "../format";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { errorText, showError } from "../retry-wait";

export class SiteRulesPanel {
  readonly element: HTMLElement;
  private readonly site: HTMLInputElement;
  private readonly location: HTMLSelectElement;
  private readonly add: HTMLButtonElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLParagraphElement;
  private readonly status: HTMLParagraphElement;
  private readonly form: HTMLFormElement;
  private locations: Location[] = [];
  private view: SiteRulesView = { rules: [], status: {}, currentSite: null };
  private prefilled = false;

  constructor(private readonly call: Call) {
    this.site = h("input", { type: "text", autocomplete: "off", spellcheck: false, placeholder: "example.com", inputMode: "url" });
    this.location = h("select", {});
    this.add = h("button", { type: "submit" }, t("addSiteRule"));
    this.form = h(
      "form",
      { className: "site-rule-form", onsubmit: (event: Event) => void this.submit(event) },
      field("site-rule-site", t("siteField"), this.site),
      field("site-rule-location", t("siteLocationField"), this.location),
      this.add,
    );
    this.list = h("ul", { className: "site-rules", "aria-labelledby": "site-rules-list-heading" });
    this.empty = h("p", { className: "hint" }, t("noSiteRules"));
    this.status = h("p", { role: "status" });
    this.element = h(
      "section",
      { className: "sites-panel", "aria-labelledby": "sites-heading" },
      h("h2", { id: "sites-heading", tabIndex: -1 }, t("viewSites")),
      h("p", { className: "hint" }, t("sitesIntro")),
      this.form,
      h("h3", { id: "site-rules-list-heading", tabIndex: -1 }, t("siteRulesHeading")),
      this.empty,
      this.list,
      this.status,
    );
  }

  /** The locations a rule may name: the online ones (an offline one could not carry the site). */
  setLocations(locations: Location[]): void {
    this.locations = locations;
    const chosen = this.location.value;
    this.location.replaceChildren(
      ...locations
        .filter((l) => l.online)
        .map((l) => h("option", { value: l.id }, t("locationWithCountry", l.name, countryName(l.country)))),
    );
    if (chosen && [...this.location.options].some((o) => o.value === chosen)) this.location.value = chosen;
    this.draw();
  }

  async refresh(): Promise<void> {
    this.show(await this.call("getSiteRules", undefined));
    // The current tab's site, offered once: a field the person cleared stays clear.
    if (!this.prefilled && this.view.currentSite) this.site.value ||= this.view.currentSite;
    this.prefilled = true;
  }

  private show(view: SiteRulesView): void {
    this.view = view;
    this.draw();
  }

  private locationName(id: string): string {
    const location = this.locations.find((l) => l.id === id);
    return location ? t("locationWithCountry", location.name, countryName(location.country)) : t("siteLocationGone");
  }

  private statusText(status: SiteLocationStatus | undefined): string {
    if (!status) return t("siteStatusIdle");
    if (status.state === "active") return t("siteStatusActive");
    if (status.state === "waiting") return t("siteStatusWaiting");
    if (status.reason === "too_many_sessions") return t("siteStatusLimit", MAX_OPEN_SESSIONS_PER_DEVICE);
    return errorText({ code: status.reason, status: 0 });
  }

  private draw(): void {
    this.empty.hidden = this.view.rules.length > 0;
    // Redrawing replaces the rows (a rule's status changes while it is focused, just after it was added):
    // the focus stays on the same rule, or its Remove button, instead of falling to the body.
    const focused =
      document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement : null;
    const focusedSite = focused?.closest<HTMLElement>("li[data-site]")?.dataset.site;
    const onButton = focused instanceof HTMLButtonElement;
    this.list.replaceChildren(
      ...this.view.rules.map((rule) => {
        const remove = h(
          "button",
          {
            type: "button",
            className: "link",
            "aria-label": t("removeSiteRuleFor", rule.site),
            onclick: () => void this.remove(rule.site, remove),
          },
          t("removeSiteRule"),
        );
        return h(
          "li",
          { dataset: { site: rule.site }, tabIndex: -1 },
          h("span", { className: "site-rule" }, t("siteRuleFor", rule.site, this.locationName(rule.locationId))),
          h("span", { className: "hint" }, this.statusText(this.view.status[rule.locationId])),
          remove,
        );
      }),
    );
    if (focusedSite === undefined) return;
    const row = this.list.querySelector<HTMLElement>(`li[data-site="${CSS.escape(focusedSite)}"]`);
    (onButton ? row?.querySelector<HTMLElement>("button") : row)?.focus();
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    clearFieldErrors(this.form);
    this.status.textContent = "";
    const site = normalizeSite(this.site.value);
    if (!site) {
      setFieldError(this.site, t("siteInvalid"));
      this.site.focus();
      return;
    }
    if (!this.location.value) {
      setFieldError(this.location, t("siteLocationMissing"));
      this.location.focus();
      return;
    }
    this.add.disabled = true;
    try {
      this.show(await this.call("addSiteRule", { site, locationId: this.location.value }));
      this.site.value = "";
      this.status.textContent = t("siteRuleAdded", site, this.locationName(this.location.value));
      this.list.querySelector<HTMLElement>(`li[data-site="${CSS.escape(site)}"]`)?.focus();
    } catch (error) {
      const info = toErrorInfo(error);
      if (info.code === "validation_failed") {
        setFieldError(this.site, t("siteInvalid"));
        this.site.focus();
      } else {
        showError(this.status, error, [this.add]);
      }
    } finally {
      if (this.add.dataset.waiting !== "true") this.add.disabled = false;
    }
  }

  private async remove(site: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      this.show(await this.call("removeSiteRule", { site }));
      this.status.textContent = t("siteRuleRemoved", site);
      // Its button is gone with it: the focus goes to the list's heading.
      this.element.querySelector<HTMLElement>("#site-rules-list-heading")?.focus();
    } catch (error) {
      button.disabled = false;
      showError(this.status, error, [button]);
    }
  }
}
