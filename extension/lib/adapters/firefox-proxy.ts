/**
 * Firefox's `proxy.onRequest`: decides per request where it goes, and sends
 * the tunnel credentials as `proxyAuthorizationHeader` with it.
 *
 * The route lives in memory and `storage.session`. At browser start nothing is
 * decided yet, so the listener waits until the connection service has either
 * held or cleared the route: the first requests can never slip out direct
 * while the background is still starting.
 */
import type { ProxyControl, ProxyRoute } from "../connection/connection-service";
import { firefoxProxyInfo, type FirefoxProxyInfo, type FirefoxSiteRoute } from "../proxy/proxy-config";
import type { SiteRoute } from "../sites/pac-script";
import type { ProxyTarget } from "../proxy/proxy-target";
import { sameProxy } from "../proxy/proxy-target";
import type { StorageArea } from "../api/token-store";
import type { ProxyAuthAnswerer } from "./proxy-auth";

/** The slice of Firefox's `proxy` namespace this is registered with (Chrome has neither event). */
export interface FirefoxProxyEvents {
  onRequest: { addListener(listener: (details: { url: string }) => Promise<FirefoxProxyInfo>, filter: { urls: string[] }): void };
  onError: { addListener(listener: (error: unknown) => void): void };
}

const KEY = "proxyRoute";
/** If the background never decides (a bug), stop making requests wait after this long. */
const DECIDE_TIMEOUT_MS = 10_000;

/** Where requests go when the background never decided: held if the person left the VPN on, else direct. */
export type UndecidedRoute = () => Promise<ProxyRoute | null>;

export class FirefoxProxy implements ProxyControl {
  private route: ProxyRoute | null | undefined;
  private decided!: () => void;
  private readonly whenDecided = new Promise<void>((resolve) => (this.decided = resolve));

  constructor(
    private readonly area: StorageArea,
    private readonly bypassList: () => Promise<string[]>,
    private readonly auth: Pick<ProxyAuthAnswerer, "current" | "siteCredentials">,
    private readonly timeoutMs = DECIDE_TIMEOUT_MS,
    /** Per-site locations' routes (lib/sites/site-tunnels.ts); none by default. */
    private readonly siteRoutes: (main: ProxyTarget) => Promise<SiteRoute[]> = async () => [],
    private readonly undecided: UndecidedRoute = async () => null,
  ) {
    void this.area.get(KEY).then((items) => {
      const saved = items[KEY] as ProxyRoute | undefined;
      if (saved && this.route === undefined) {
        this.route = saved;
        this.decided();
      }
    });
  }

  async apply(route: ProxyRoute): Promise<"ok"> {
    this.route = route;
    await this.area.set({ [KEY]: route });
    this.decided();
    return "ok";
  }

  async clear(): Promise<void> {
    this.route = null;
    await this.area.remove(KEY);
    this.decided();
  }

  /** The `proxy.onRequest` listener. */
  async onRequest(details: { url: string }): Promise<FirefoxProxyInfo> {
    if (this.route === undefined) {
      await Promise.race([this.whenDecided, new Promise((resolve) => setTimeout(resolve, this.timeoutMs))]);
    }
    // Still undecided: a VPN the person left on must not leak while the background is stuck.
    const route = this.route === undefined ? await this.undecided().catch((): ProxyRoute => ({ kind: "hold" })) : this.route;
    const entry = route?.kind === "tunnel" ? await this.auth.current() : null;
    const sites: FirefoxSiteRoute[] = [];
    if (route?.kind === "tunnel") {
      for (const site of await this.siteRoutes(route.proxy)) {
        // A rule for the main location rides the main tunnel, with its credential.
        const own = site.proxy ? await this.auth.siteCredentials(site.proxy) : null;
        const main = site.proxy && sameProxy(site.proxy, route.proxy) ? (entry?.credentials ?? null) : null;
        sites.push({ ...site, credentials: own ?? main });
      }
    }
    return firefoxProxyInfo(details.url, route, await this.bypassList(), entry?.credentials ?? null, sites);
  }
}
