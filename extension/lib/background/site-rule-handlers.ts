/**
 * The per-site rules' messages: list, add, remove. A change re-plans the site
 * sessions at once (site-tunnels.ts), so a rule added while connected takes
 * effect without reconnecting, and a removed one ends its session.
 */
import { ApiError } from "../api/api-error";
import type { Handlers, SiteRulesView } from "../messages/protocol";
import { siteOfUrl } from "../sites/site-of-url";
import type { SiteRulesStore } from "../sites/site-rules-store";
import type { SiteTunnels } from "../sites/site-tunnels";

export interface SiteRuleDeps {
  rules: SiteRulesStore;
  tunnels: Pick<SiteTunnels, "status" | "rulesChanged">;
  /** The URL of the tab the popup was opened over, if the browser tells us. */
  activeTabUrl: () => Promise<string | null>;
}

export type SiteRuleHandlers = Pick<Handlers, "getSiteRules" | "addSiteRule" | "removeSiteRule">;

export function createSiteRuleHandlers(deps: SiteRuleDeps | undefined): SiteRuleHandlers {
  const view = async (): Promise<SiteRulesView> => {
    if (!deps) return { rules: [], status: {}, currentSite: null };
    const url = await deps.activeTabUrl().catch(() => null);
    return { rules: await deps.rules.list(), status: await deps.tunnels.status(), currentSite: url ? siteOfUrl(url) : null };
  };
  return {
    getSiteRules: view,
    async addSiteRule(rule) {
      if (!deps || typeof rule?.site !== "string" || typeof rule.locationId !== "string") throw invalidSite();
      if ((await deps.rules.add(rule)) === null) throw invalidSite();
      await deps.tunnels.rulesChanged();
      return view();
    },
    async removeSiteRule({ site }) {
      if (!deps || typeof site !== "string") throw invalidSite();
      await deps.rules.remove(site);
      await deps.tunnels.rulesChanged();
      return view();
    },
  };
}

const invalidSite = () => new ApiError({ code: "validation_failed", status: 400 });
