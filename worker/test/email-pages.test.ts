/**
 * The /account pages as served: static HTML with our own script and style
 * under a strict CSP, and a GET that never acts on a link (mail scanners
 * open links). The pages themselves are driven in Chromium by
 * test/email.e2e.test.ts. The language tests are in page-language.test.ts.
 */
import { MIN_PASSWORD_LENGTH } from "@cargo-vpn/shared/account-rules";
import { describe, expect, it } from "vitest";
import { call, register } from "./client";
import { latest, linkToken } from "./mail";

const PAGES = ["/account/verify-email", "/account/reset-password", "/account/delete-account", "/account/undo-email-change"];

describe("/account pages", () => {
  it("are HTML under a strict Content-Security-Policy, with no inline script or style", async () => {
    for (const path of PAGES) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = res.body as string;
      expect(html).toMatch(/<script src="\/account\/assets\/account-page\.js" defer><\/script>/);
      // The one script without src is the page's texts as JSON, which no browser runs.
      expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toEqual(['<script type="application/json" id="page-text">']);
      expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).toContain('id="status"');
    }
    const script = await call("GET", "/account/assets/account-page.js");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    // The page derives keys with the project's own sign-in code.
    expect(script.body).toContain("cargo-vpn/auth/v1");
    expect(script.body).toContain("PBKDF2");
    expect((await call("GET", "/account/assets/account-page.css")).headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("labels every control", async () => {
    const reset = (await call("GET", "/account/reset-password")).body as string;
    for (const id of ["new-password", "repeat-password"]) expect(reset).toContain(`<label for="${id}">`);
    // The one rule of shared/account-rules.ts, as the extension applies it (10 characters, counted in code points).
    expect(reset).toContain(`minlength="${MIN_PASSWORD_LENGTH}"`);
    expect(reset).toContain(`At least ${MIN_PASSWORD_LENGTH} characters.`);
    // The browser's own check (UTF-16 units, in the browser's language) is off: the script applies the shared rule.
    expect(reset).toContain('<form data-page="reset-password" novalidate>');
    const script = (await call("GET", "/account/assets/account-page.js")).body as string;
    expect(script).toContain("passwordProblem");
    expect(script).not.toContain("password.value.length <");
    // A page opened from a mail on a phone: the bundle once carried every zod locale (921 KB, `import { z }`
    // keeps zod's whole namespace); with `import * as z` and minified whitespace it is about 200 KB.
    expect(script.length).toBeLessThan(300_000);
    const del = (await call("GET", "/account/delete-account")).body as string;
    expect(del).toMatch(/<label class="check"><input id="understood"/);
  });

  it("opening a page, even with the token in the address, changes nothing", async () => {
    const user = await register();
    const token = linkToken(await latest(user.email, "Confirm your email"));
    for (const path of PAGES) expect((await call("GET", `${path}?token=${token}`)).status).toBe(200);
    expect((await call("POST", "/v1/email/verify", { body: { token } })).status).toBe(200);
  });
});
