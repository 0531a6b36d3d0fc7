import { describe, expect, it } from "vitest";
import { siteOfUrl } from "./site-of-url";
import { MAX_SITE_RULES, normalizeSite, ruleForHost, withoutRule, withRule } from "./site-rules";

describe("site rules", () => {
  it("normalises what people type: URL, case, www., trailing dot; refuses what is not a host", () => {
    expect(normalizeSite("https://www.Example.com/path?q")).toBe("example.com");
    expect(normalizeSite(" news.example.co.uk. ")).toBe("news.example.co.uk");
    expect(normalizeSite("10.0.0.7")).toBe("10.0.0.7");
    expect(normalizeSite("bücher.example")).toBe("xn--bcher-kva.example");
    for (const bad of ["", "not a host", "localhost", "http://", "exa_mple.com", "-x.com"]) expect(normalizeSite(bad), bad).toBeNull();
  });

  it("names a page's site by its registrable domain, else its host", () => {
    expect(siteOfUrl("https://www.news.example.co.uk/a")).toBe("example.co.uk");
    expect(siteOfUrl("http://site-b.test:8080/x")).toBe("site-b.test");
    expect(siteOfUrl("http://127.0.0.1:3000/")).toBe("127.0.0.1");
    expect(siteOfUrl("chrome-extension://abc/popup.html")).toBeNull();
  });

  it("matches a site and its subdomains, never a lookalike; the most specific rule wins", () => {
    const rules = [
      { site: "example.com", locationId: "fr" },
      { site: "mail.example.com", locationId: "de" },
    ];
    expect(ruleForHost("example.com", rules)?.locationId).toBe("fr");
    expect(ruleForHost("a.b.example.com", rules)?.locationId).toBe("fr");
    expect(ruleForHost("x.mail.example.com", rules)?.locationId).toBe("de");
    expect(ruleForHost("notexample.com", rules)).toBeUndefined();
    expect(ruleForHost("example.com.evil.net", rules)).toBeUndefined();
  });

  it("keeps one rule per site, newest first, at most MAX_SITE_RULES", () => {
    let rules = withRule([], { site: "a.com", locationId: "1" });
    rules = withRule(rules, { site: "b.com", locationId: "2" });
    rules = withRule(rules, { site: "a.com", locationId: "3" });
    expect(rules).toEqual([
      { site: "a.com", locationId: "3" },
      { site: "b.com", locationId: "2" },
    ]);
    expect(withoutRule(rules, "a.com")).toEqual([{ site: "b.com", locationId: "2" }]);
    for (let i = 0; i < MAX_SITE_RULES + 5; i++) rules = withRule(rules, { site: `s${i}.com`, locationId: "1" });
    expect(rules).toHaveLength(MAX_SITE_RULES);
  });
});
