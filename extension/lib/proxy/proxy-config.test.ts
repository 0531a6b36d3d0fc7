import { describe, expect, it } from "vitest";
import { DEFAULT_BYPASS_LIST, HOLD_PROXY } from "../config";
import { basicAuth, chromeProxyValue, firefoxProxyInfo } from "./proxy-config";

const gateway = { scheme: "https" as const, host: "gw.example", port: 8443 };
const creds = { username: "sess-1", password: "jwt.jwt.jwt", expiresAt: "2030-01-01T00:00:00Z" };

describe("Chrome proxy value", () => {
  it("tunnel: fixed_servers to the gateway with the bypass list, and no DIRECT fallback anywhere", () => {
    const value = chromeProxyValue({ kind: "tunnel", proxy: gateway }, DEFAULT_BYPASS_LIST);
    expect(value).toEqual({
      mode: "fixed_servers",
      rules: { singleProxy: { scheme: "https", host: "gw.example", port: 8443 }, bypassList: [...DEFAULT_BYPASS_LIST] },
    });
    expect(JSON.stringify(value)).not.toMatch(/direct/i);
  });

  it("hold: fixed_servers to the dead loopback port, so requests fail instead of leaking", () => {
    const value = chromeProxyValue({ kind: "hold" }, ["<local>"]);
    expect(value.mode === "fixed_servers" && value.rules.singleProxy).toEqual({
      scheme: HOLD_PROXY.scheme,
      host: HOLD_PROXY.host,
      port: HOLD_PROXY.port,
    });
  });
});

describe("Firefox proxy.onRequest answer", () => {
  it("tunnel: the gateway plus a Basic Proxy-Authorization header", () => {
    const info = firefoxProxyInfo("https://example.com/", { kind: "tunnel", proxy: gateway }, DEFAULT_BYPASS_LIST, creds);
    expect(info).toEqual({ type: "https", host: "gw.example", port: 8443, proxyAuthorizationHeader: basicAuth(creds) });
    expect(atob(basicAuth(creds).slice(6))).toBe("sess-1:jwt.jwt.jwt");
  });

  it("bypassed hosts go direct", () => {
    expect(firefoxProxyInfo("http://192.168.0.10/", { kind: "tunnel", proxy: gateway }, DEFAULT_BYPASS_LIST, creds)).toEqual({
      type: "direct",
    });
  });

  it("hold: dead proxy, never direct", () => {
    expect(firefoxProxyInfo("https://example.com/", { kind: "hold" }, DEFAULT_BYPASS_LIST, null)).toEqual({
      type: "http",
      host: "127.0.0.1",
      port: 1,
    });
  });

  it("not managing the proxy: direct", () => {
    expect(firefoxProxyInfo("https://example.com/", null, [], null)).toEqual({ type: "direct" });
  });

  it("encodes non-ASCII credentials as UTF-8", () => {
    expect(basicAuth({ username: "é", password: "ü" })).toBe(`Basic ${Buffer.from("é:ü").toString("base64")}`);
  });

  it("per-site: a rule's site goes to its gateway with its own credential, a waiting one is held, others the main way", () => {
    const tunnel = { kind: "tunnel" as const, proxy: gateway };
    const siteProxy = { scheme: "http" as const, host: "gw2.example", port: 8080 };
    const siteCreds = { username: "sess-2", password: "other.jwt", expiresAt: "2030-01-01T00:00:00Z" };
    const sites = [
      { site: "example.org", proxy: siteProxy, credentials: siteCreds },
      { site: "waiting.net", proxy: null, credentials: null },
    ];
    expect(firefoxProxyInfo("https://www.example.org/", tunnel, DEFAULT_BYPASS_LIST, creds, sites)).toEqual({
      type: "http",
      host: "gw2.example",
      port: 8080,
      proxyAuthorizationHeader: basicAuth(siteCreds),
    });
    expect(firefoxProxyInfo("https://waiting.net/", tunnel, DEFAULT_BYPASS_LIST, creds, sites)).toEqual({
      type: "http",
      host: "127.0.0.1",
      port: 1,
    });
    expect(firefoxProxyInfo("https://example.com/", tunnel, DEFAULT_BYPASS_LIST, creds, sites)).toMatchObject({ host: "gw.example" });
    // A hold holds every site, rules or not.
    expect(firefoxProxyInfo("https://example.org/", { kind: "hold" }, DEFAULT_BYPASS_LIST, null, sites)).toMatchObject({ port: 1 });
  });

  it("Chrome: a PAC script (mandatory, no DIRECT fallback) only while a rule applies to a tunnel", () => {
    const tunnel = { kind: "tunnel" as const, proxy: gateway };
    const sites = [{ site: "example.org", proxy: { scheme: "http" as const, host: "gw2.example", port: 8080 } }];
    const value = chromeProxyValue(tunnel, DEFAULT_BYPASS_LIST, sites);
    expect(value.mode).toBe("pac_script");
    expect(value.mode === "pac_script" && value.pacScript.mandatory).toBe(true);
    expect(chromeProxyValue(tunnel, DEFAULT_BYPASS_LIST, []).mode).toBe("fixed_servers");
    expect(chromeProxyValue({ kind: "hold" }, DEFAULT_BYPASS_LIST, sites).mode).toBe("fixed_servers");
  });
});
