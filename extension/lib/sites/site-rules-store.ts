/**
 * The per-site rules in `storage.local` (they are the user's settings, kept
 * across restarts; sites never leave the device), with an in-memory copy so
 * Firefox's per-request routing does not read storage for every request.
 *
 *   const rules = new SiteRulesStore(browser.storage.local);
 *   await rules.add({ site: "example.com", locationId });
 */
import type { StorageArea } from "../api/token-store";
import { normalizeSite, type SiteRule, withoutRule, withRule } from "./site-rules";

const KEY = "siteRules";

export class SiteRulesStore {
  private cached: SiteRule[] | undefined;

  constructor(private readonly area: StorageArea) {}

  async list(): Promise<SiteRule[]> {
    if (this.cached === undefined) {
      const saved = ((await this.area.get(KEY))[KEY] as SiteRule[] | undefined) ?? [];
      this.cached ??= saved.filter((r) => typeof r?.site === "string" && typeof r?.locationId === "string");
    }
    return this.cached;
  }

  /** Adds (or moves) the rule for a site; null when `site` is not a host. */
  async add(rule: SiteRule): Promise<SiteRule[] | null> {
    const site = normalizeSite(rule.site);
    if (!site || rule.locationId === "") return null;
    return this.save(withRule(await this.list(), { site, locationId: rule.locationId }));
  }

  async remove(site: string): Promise<SiteRule[]> {
    return this.save(withoutRule(await this.list(), site));
  }

  private async save(rules: SiteRule[]): Promise<SiteRule[]> {
    this.cached = rules;
    await this.area.set({ [KEY]: rules });
    return rules;
  }
}
