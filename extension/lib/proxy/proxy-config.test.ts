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
    expect(value.mode === "fixed_servers" && value.rules.singleProxy).toEqual({ scheme: HOLD_PROXY.scheme, host: HOLD_PROXY.host, port: HOLD_PROXY.port });
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
});
