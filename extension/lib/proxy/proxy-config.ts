/**
 * Turns a route (tunnel to a gateway, or hold) and the bypass list into what
 * each browser's proxy API wants: a Chrome `proxy.settings` value, or a
 * Firefox `proxy.onRequest` answer for one request.
 *
 * Neither ever contains DIRECT as a fallback: if the gateway is unreachable a
 * request fails, it is never silently sent around the tunnel.
 *
 * Per-site locations (lib/sites/): while the tunnel is up and a rule applies,
 * Chrome gets a PAC script instead (pac-script.ts) and Firefox picks the
 * rule's gateway and credential per request; a hold sends everything to the
 * hold address, rules or not.
 */
import type { ProxyCredentials } from "@cargo-vpn/shared/schemas";
import { HOLD_PROXY } from "../config";
import type { ProxyRoute } from "../connection/connection-service";
import { pacScript, type SiteRoute } from "../sites/pac-script";
import { ruleForHost } from "../sites/site-rules";
import { matchesBypass } from "./bypass-rules";

export type ChromeProxyValue =
  | {
      mode: "fixed_servers";
      rules: {
        singleProxy: { scheme: "http" | "https"; host: string; port: number };
        bypassList: string[];
      };
    }
  | { mode: "pac_script"; pacScript: { data: string; mandatory: true } };

export function chromeProxyValue(route: ProxyRoute, bypass: readonly string[], sites: readonly SiteRoute[] = []): ChromeProxyValue {
  // mandatory: if the script cannot run, Chrome fails requests instead of going direct.
  if (route.kind === "tunnel" && sites.length > 0)
    return { mode: "pac_script", pacScript: { data: pacScript(route.proxy, sites, bypass), mandatory: true } };
  const target = route.kind === "tunnel" ? route.proxy : HOLD_PROXY;
  return {
    mode: "fixed_servers",
    rules: {
      singleProxy: { scheme: target.scheme, host: target.host, port: target.port },
      bypassList: [...bypass],
    },
  };
}

export type FirefoxProxyInfo =
  | { type: "direct" }
  | {
      type: "http" | "https";
      host: string;
      port: number;
      proxyAuthorizationHeader?: string;
      /** Never try the next proxy or go direct when this one fails. */
      failoverTimeout?: number;
    };

/** A site rule's route for one request, with the credential of its gateway. */
export interface FirefoxSiteRoute extends SiteRoute {
  credentials: ProxyCredentials | null;
}

/** Firefox: where one request goes. `route` null means we are not managing the proxy. */
export function firefoxProxyInfo(
  url: string,
  route: ProxyRoute | null,
  bypass: readonly string[],
  credentials: ProxyCredentials | null,
  sites: readonly FirefoxSiteRoute[] = [],
): FirefoxProxyInfo {
  if (!route || matchesBypass(url, bypass)) return { type: "direct" };
  const hold: FirefoxProxyInfo = { type: HOLD_PROXY.scheme, host: HOLD_PROXY.host, port: HOLD_PROXY.port };
  if (route.kind === "hold") return hold;
  let target = route.proxy;
  let auth = credentials;
  const site = sites.length > 0 ? ruleForHost(hostOf(url), sites) : undefined;
  if (site) {
    // Its session is not up yet: held, never sent through another location.
    if (!site.proxy) return hold;
    target = site.proxy;
    auth = site.credentials;
  }
  const info: FirefoxProxyInfo = { type: target.scheme, host: target.host, port: target.port };
  if (auth) info.proxyAuthorizationHeader = basicAuth(auth);
  return info;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

export function basicAuth(credentials: Pick<ProxyCredentials, "username" | "password">): string {
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
