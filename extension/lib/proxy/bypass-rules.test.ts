import { describe, expect, it } from "vitest";
import { DEFAULT_BYPASS_LIST } from "../config";
import { invalidRules, matchesBypass, parseBypassList, withApiHost } from "./bypass-rules";

describe("bypass rules", () => {
  const defaults = DEFAULT_BYPASS_LIST;

  it("by default loopback and private networks go direct, the internet does not", () => {
    for (const url of [
      "http://localhost:3000/",
      "http://127.0.0.1/",
      "http://127.5.6.7:8080/",
      "http://[::1]:9000/",
      "http://10.1.2.3/",
      "http://172.20.0.1/",
      "http://192.168.1.1/",
      "http://169.254.169.254/",
      "http://[fd00::1]/",
      "http://router/",
    ]) {
      expect(matchesBypass(url, defaults), url).toBe(true);
    }
    for (const url of [
      "https://example.com/",
      "http://8.8.8.8/",
      "http://172.32.0.1/",
      "http://[2001:db8::1]/",
      "https://192.168.example.com/",
    ]) {
      expect(matchesBypass(url, defaults), url).toBe(false);
    }
  });

  it("<-loopback> sends loopback through the tunnel (Chrome's semantics), unless a rule names it", () => {
    expect(matchesBypass("http://127.0.0.1:4000/", ["<-loopback>"])).toBe(false);
    expect(matchesBypass("http://localhost:4000/", ["<-loopback>"])).toBe(false);
    expect(matchesBypass("http://127.0.0.1:8787/v1/health", withApiHost(["<-loopback>"], "http://127.0.0.1:8787"))).toBe(true);
    expect(matchesBypass("http://127.0.0.1:4000/", withApiHost(["<-loopback>"], "http://127.0.0.1:8787"))).toBe(false);
  });

  it("loopback is never proxied without <-loopback>, even with an empty list", () => {
    expect(matchesBypass("http://127.0.0.1/", [])).toBe(true);
  });

  it("host patterns: exact, *.suffix, .suffix, scheme and port", () => {
    const rules = ["intranet.corp", "*.example.org", ".example.net", "https://secure.test", "api.test:8080"];
    expect(matchesBypass("http://intranet.corp/", rules)).toBe(true);
    expect(matchesBypass("http://www.intranet.corp/", rules)).toBe(false);
    expect(matchesBypass("http://a.b.example.org/", rules)).toBe(true);
    expect(matchesBypass("http://example.net/", rules)).toBe(true);
    expect(matchesBypass("http://x.example.net/", rules)).toBe(true);
    expect(matchesBypass("https://secure.test/", rules)).toBe(true);
    expect(matchesBypass("http://secure.test/", rules)).toBe(false);
    expect(matchesBypass("http://api.test:8080/", rules)).toBe(true);
    expect(matchesBypass("http://api.test/", rules)).toBe(false);
  });

  it("parses a textarea: lines or commas, comments and blanks dropped", () => {
    expect(parseBypassList(" a.com \n\n# note\nb.com, c.com # trailing")).toEqual(["a.com", "b.com", "c.com"]);
  });

  it("reports rules it does not understand", () => {
    expect(invalidRules(["ok.com", "10.0.0.0/8", "10.0.0.0/40", "http://", "bad host", "[::1]", "fc00::/7", "<local>"])).toEqual([
      "10.0.0.0/40",
      "http://",
      "bad host",
    ]);
  });

  it("always bypasses the API host so the tunnel can be brought back up", () => {
    expect(withApiHost(["a.com"], "https://api.cargovpn.dev")).toEqual(["a.com", "api.cargovpn.dev:443"]);
    expect(withApiHost(["a.com"], "not a url")).toEqual(["a.com"]);
  });
});
