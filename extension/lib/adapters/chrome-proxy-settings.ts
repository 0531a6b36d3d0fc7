/**
 * Chrome's `proxy.settings`: the one place that points Chrome's traffic at the
 * gateway (or at the hold address). Refuses to fight another extension that
 * controls the setting and reports it instead.
 */
import type { ProxyControl, ProxyRoute } from "../connection/connection-service";
import { type ChromeProxyValue, chromeProxyValue } from "../proxy/proxy-config";
import type { SiteRoute } from "../sites/pac-script";
import type { ProxyTarget } from "../proxy/proxy-target";

export type LevelOfControl =
  | "not_controllable"
  | "controlled_by_other_extensions"
  | "controllable_by_this_extension"
  | "controlled_by_this_extension";

export interface ChromeSetting {
  get(details: { incognito?: boolean }): Promise<{ value: unknown; levelOfControl: LevelOfControl | string }>;
  set(details: { value: unknown; scope?: "regular" }): Promise<void>;
  clear(details: { scope?: "regular" }): Promise<void>;
}

export const isControlledByOther = (level: string): boolean => level === "controlled_by_other_extensions" || level === "not_controllable";

/** The setting Chrome reports points at the same gateway as `expected` (Chrome may reorder or rewrite the bypass list). */
function sameProxy(actual: unknown, expected: ChromeProxyValue): boolean {
  if (expected.mode === "pac_script") {
    const value = actual as { mode?: string; pacScript?: { data?: string } } | undefined;
    return value?.mode === "pac_script" && value.pacScript?.data === expected.pacScript.data;
  }
  const value = actual as Partial<Extract<ChromeProxyValue, { mode: "fixed_servers" }>> | undefined;
  const server = value?.rules?.singleProxy;
  const want = expected.rules.singleProxy;
  return (
    value?.mode === expected.mode && server?.host === want.host && server?.port === want.port && (server?.scheme ?? "http") === want.scheme
  );
}

export class ChromeProxySettings implements ProxyControl {
  private route: ProxyRoute | null = null;

  constructor(
    private readonly setting: ChromeSetting,
    private readonly bypassList: () => Promise<string[]>,
    /** Per-site locations' routes (lib/sites/site-tunnels.ts); none by default. */
    private readonly siteRoutes: (main: ProxyTarget) => Promise<SiteRoute[]> = async () => [],
  ) {}

  async apply(route: ProxyRoute): Promise<"ok" | "controlled_by_other"> {
    const { levelOfControl } = await this.setting.get({});
    if (isControlledByOther(levelOfControl)) return "controlled_by_other";
    this.route = route;
    const value = chromeProxyValue(route, await this.bypassList(), route.kind === "tunnel" ? await this.siteRoutes(route.proxy) : []);
    await this.setting.set({ value, scope: "regular" });
    // Read it back: Chrome answers the set before anyone checked the setting is really in force.
    const after = await this.setting.get({});
    return after.levelOfControl === "controlled_by_this_extension" && sameProxy(after.value, value) ? "ok" : "controlled_by_other";
  }

  /** The bypass list or the site routes changed: apply them to the route in force, if any. */
  async reapply(): Promise<void> {
    if (this.route) await this.apply(this.route);
  }

  async clear(): Promise<void> {
    this.route = null;
    const { levelOfControl } = await this.setting.get({});
    // Clearing only ever removes our own layer; skip the call when there is none.
    if (levelOfControl === "controlled_by_this_extension") await this.setting.clear({ scope: "regular" });
  }

  async controlledByOther(): Promise<boolean> {
    return isControlledByOther((await this.setting.get({})).levelOfControl);
  }
}
