/**
 * Turns a route (tunnel to a gateway, or hold) and the bypass list into what
 * each browser's proxy API wants: a Chrome `proxy.settings` value, or a
 * Firefox `proxy.onRequest` answer for one request.
 *
 * Neither ever contains DIRECT as a fallback: if the gateway is unreachable a
 * request fails, it is never silently sent around the tunnel.
 */
import type { ProxyCredentials } from "@cargo-vpn/shared/schemas";
import { HOLD_PROXY } from "../config";
import type { ProxyRoute } from "../connection/connection-service";
import { matchesBypass } from "./bypass-rules";

export interface ChromeProxyValue {
  mode: "fixed_servers";
  rules: {
    singleProxy: { scheme: "http" | "https"; host: string; port: number };
    bypassList: string[];
  };
}

export function chromeProxyValue(route: ProxyRoute, bypass: readonly string[]): ChromeProxyValue {
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

/** Firefox: where one request goes. `route` null means we are not managing the proxy. */
export function firefoxProxyInfo(
  url: string,
  route: ProxyRoute | null,
  bypass: readonly string[],
  credentials: ProxyCredentials | null,
): FirefoxProxyInfo {
  if (!route || matchesBypass(url, bypass)) return { type: "direct" };
  if (route.kind === "hold") return { type: HOLD_PROXY.scheme, host: HOLD_PROXY.host, port: HOLD_PROXY.port };
  const info: FirefoxProxyInfo = { type: route.proxy.scheme, host: route.proxy.host, port: route.proxy.port };
  if (credentials) info.proxyAuthorizationHeader = basicAuth(credentials);
  return info;
}

export function basicAuth(credentials: Pick<ProxyCredentials, "username" | "password">): string {
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
