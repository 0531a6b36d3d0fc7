/**
 * The PAC script run as Chrome runs one: its text evaluated with the PAC
 * helpers it may call (shExpMatch, isInNet on IP literals), asked
 * FindProxyForURL for each kind of request.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_BYPASS_LIST, HOLD_PROXY } from "../config";
import { pacScript } from "./pac-script";

function run(script: string): (url: string) => string {
  const shExpMatch = (text: string, pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(text);
  const toInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const isInNet = (host: string, base: string, mask: string) => (toInt(host) & toInt(mask)) >>> 0 === (toInt(base) & toInt(mask)) >>> 0;
  const find = new Function("shExpMatch", "isInNet", `${script}; return FindProxyForURL;`)(shExpMatch, isInNet) as (
    url: string,
    host: string,
  ) => string;
  return (url) => find(url, new URL(url).hostname);
}

const main = { scheme: "https" as const, host: "gw1.example", port: 443 };
const other = { scheme: "http" as const, host: "gw2.example", port: 8080 };
const hold = `PROXY ${HOLD_PROXY.host}:${HOLD_PROXY.port}`;

describe("the per-site PAC script", () => {
  const find = run(
    pacScript(
      main,
      [
        { site: "example.com", proxy: other },
        { site: "waiting.org", proxy: null },
        { site: "deep.example.com", proxy: main },
      ],
      [...DEFAULT_BYPASS_LIST, "*.intranet.corp", "api.local:8787", "<local>"],
    ),
  );

  it("sends each rule's site and its subdomains to the rule's gateway, everything else to the main one", () => {
    expect(find("https://example.com/")).toBe("PROXY gw2.example:8080");
    expect(find("https://www.example.com/a")).toBe("PROXY gw2.example:8080");
    expect(find("https://a.deep.example.com/")).toBe("HTTPS gw1.example:443");
    expect(find("https://notexample.com/")).toBe("HTTPS gw1.example:443");
    expect(find("https://example.com.evil.net/")).toBe("HTTPS gw1.example:443");
  });

  it("holds a rule's site until its session is up, never sending it elsewhere", () => {
    expect(find("https://waiting.org/")).toBe(hold);
    expect(find("https://x.waiting.org/")).toBe(hold);
  });

  it("applies the bypass list (hosts, patterns, ports, <local>, IPv4 blocks) and never falls back to DIRECT", () => {
    expect(find("http://printer/")).toBe("DIRECT");
    expect(find("https://wiki.intranet.corp/")).toBe("DIRECT");
    expect(find("http://api.local:8787/v1")).toBe("DIRECT");
    expect(find("http://api.local:9999/v1")).toBe("HTTPS gw1.example:443");
    expect(find("http://192.168.1.20/")).toBe("DIRECT");
    expect(find("http://8.8.8.8/")).toBe("HTTPS gw1.example:443");
    for (const url of ["https://example.com/", "https://other.net/", "https://waiting.org/"]) expect(find(url)).not.toMatch(/DIRECT/);
  });

  it("without a main gateway (held) every site is held", () => {
    const held = run(pacScript(null, [{ site: "example.com", proxy: other }], []));
    expect(held("https://example.com/")).toBe(hold);
    expect(held("https://other.net/")).toBe(hold);
  });
});
