/**
 * Per-site locations: "always use <location> for <site>" rules. A site is a
 * registrable domain (`example.co.uk`) or a host (`mail.example.com`, an IP
 * literal) and matches itself and every subdomain; when several rules match a
 * host the most specific (longest) site wins.
 *
 *   ruleForHost("a.example.com", rules)             // the rule for "example.com"
 */
export interface SiteRule {
  site: string;
  locationId: string;
}

/** Enough for anyone's list, small enough that the PAC script and each request's lookup stay cheap. */
export const MAX_SITE_RULES = 100;

const HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A site as typed (a host, a URL, with or without `www.`): its normal form, or null when it is not a host. */
export function normalizeSite(input: string): string | null {
  const text = input.trim();
  if (text === "" || /\s/.test(text)) return null;
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/\.$/, "").replace(/^\[|\]$/g, "");
  if (IPV4.test(host) || host.includes(":")) return host;
  host = host.replace(/^www\./, "");
  return HOST.test(host) && host.includes(".") ? host : null;
}

function hostMatchesSite(host: string, site: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^\[|\]$/g, "");
  return h === site || h.endsWith(`.${site}`);
}

/** The rule for a host: the most specific site that matches it. */
export function ruleForHost<R extends Pick<SiteRule, "site">>(host: string, rules: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const rule of rules) if (hostMatchesSite(host, rule.site) && (!best || rule.site.length > best.site.length)) best = rule;
  return best;
}

/** The rule list with `rule` in it: one rule per site (a new location replaces the old), newest first. */
export function withRule(rules: readonly SiteRule[], rule: SiteRule): SiteRule[] {
  return [rule, ...rules.filter((r) => r.site !== rule.site)].slice(0, MAX_SITE_RULES);
}

export function withoutRule(rules: readonly SiteRule[], site: string): SiteRule[] {
  return rules.filter((r) => r.site !== site);
}
