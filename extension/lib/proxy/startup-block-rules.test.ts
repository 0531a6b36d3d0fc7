import { describe, expect, it } from "vitest";
import { DEFAULT_BYPASS_LIST } from "../config";
import { matchesBypass } from "./bypass-rules";
import { BLOCK_RULE_ID, RELEASE_RULE, startupBlockRules, type DnrRule } from "./startup-block-rules";

/** declarativeNetRequest's decision for one URL: highest priority wins, allow beats block on a tie. */
function decide(rules: DnrRule[], url: string): "block" | "allow" | "none" {
  const matching = rules.filter((rule) => !rule.condition.regexFilter || new RegExp(rule.condition.regexFilter, "i").test(url));
  if (matching.length === 0) return "none";
  const top = Math.max(...matching.map((r) => r.priority));
  return matching.some((r) => r.priority === top && r.action.type === "allow") ? "allow" : "block";
}

const API = "http://127.0.0.1:8787";
const urls = [
  "https://example.com/",
  "http://example.com:8080/path?q=1",
  "wss://chat.example.org/socket",
  "http://8.8.8.8/",
  "http://172.32.0.1/",
  "http://172.15.255.255/",
  "http://localhost:3000/",
  "http://app.localhost/",
  "http://127.0.0.1:4000/",
  "http://[::1]:9000/",
  "http://10.20.30.40/",
  "http://172.16.0.1/",
  "http://172.31.255.1/",
  "http://192.168.1.1/",
  "http://169.254.169.254/latest",
  "http://printer/",
  "http://user@intranet/",
  "http://127.0.0.1:8787/v1/auth/refresh",
];

describe("start-up block rules (executed, not compared as text)", () => {
  it("with the default bypass list: blocks exactly what would go through the tunnel", () => {
    const rules = startupBlockRules(DEFAULT_BYPASS_LIST, API);
    for (const url of urls) {
      const direct = matchesBypass(url, [...DEFAULT_BYPASS_LIST, "127.0.0.1:8787"]);
      expect(decide(rules, url), url).toBe(direct ? "allow" : "block");
    }
  });

  it("with <-loopback>: loopback is held too, except the API", () => {
    const rules = startupBlockRules(["<-loopback>"], API);
    expect(decide(rules, "http://127.0.0.1:4000/")).toBe("block");
    expect(decide(rules, "http://localhost:4000/")).toBe("block");
    expect(decide(rules, "http://127.0.0.1:8787/v1/tunnel/sessions")).toBe("allow");
    expect(decide(rules, "http://127.0.0.1:87870/")).toBe("block");
  });

  it("host patterns, scheme and port as in the bypass syntax", () => {
    const list = ["*.corp.example", ".lan.example", "https://secure.example", "api.example:8443", "exact.example"];
    const rules = startupBlockRules(list, "https://api.cargovpn.dev");
    for (const url of [
      "http://a.corp.example/",
      "http://corp.example/",
      "http://lan.example/",
      "http://x.lan.example/",
      "https://secure.example/",
      "http://secure.example/",
      "https://api.example:8443/",
      "https://api.example/",
      "http://exact.example/",
      "http://notexact.example/",
      "http://exact.example.evil.com/",
      "https://api.cargovpn.dev/v1/health",
    ]) {
      expect(decide(rules, url), url).toBe(matchesBypass(url, [...list, "api.cargovpn.dev:443"]) ? "allow" : "block");
    }
  });

  it("IPv6 bypass ranges (the defaults fc00::/7 and fe80::/10, and others) are let through exactly as the bypass list decides", () => {
    const list = ["fc00::/7", "fe80::/10", "2001:db8::/32", "2001:db8:abcd:12::/64", "2a00:1450::/29"];
    const rules = startupBlockRules(list, API);
    const cases = [
      "http://[fd00::1]/",
      "https://[fc12:3456::9]:8443/x",
      "http://[fe80::1]/",
      "http://[febf:ffff::1]/",
      "http://[fec0::1]/",
      "http://[fe7f::1]/",
      "http://[fb00::1]/",
      "http://[fe00::1]/",
      "http://[2001:db8::1]/",
      "http://[2001:db9::1]/",
      "http://[2001:db80::1]/",
      "http://[2001:db8:abcd:12::7]/",
      "http://[2001:db8:abcd:13::7]/",
      "http://[2a00:1450:4001:80b::200e]/",
      "http://[2a00:1458::1]/",
      "http://[2a00:1440::1]/",
      "http://[::1]/",
      "http://[2606:4700::1111]/",
    ];
    for (const url of cases) expect(decide(rules, url), url).toBe(matchesBypass(url, list) ? "allow" : "block");
    expect(decide(rules, "http://[fd00::1]/")).toBe("allow");
    expect(decide(rules, "http://[2606:4700::1111]/")).toBe("block");
  });

  it("IPv6 ranges whose URL text is ambiguous stay blocked (held), never allowed", () => {
    const rules = startupBlockRules(["::/8", "2001:0:1::/48"], API);
    expect(decide(rules, "http://[::ff]/")).toBe("block");
    expect(decide(rules, "http://[2001:0:1::5]/")).toBe("block");
  });

  it("the session release rule outranks every start-up rule", () => {
    const rules = [...startupBlockRules(DEFAULT_BYPASS_LIST, API), RELEASE_RULE];
    expect(decide(rules, "https://example.com/")).toBe("allow");
    expect(rules.find((r) => r.id === BLOCK_RULE_ID)?.condition.resourceTypes).toContain("main_frame");
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });
});
