/** Settings: parsed once from the environment, numbers fall back to their defaults, the credential lifetime is capped. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_BILLING_RETURN_URL,
  DEFAULT_SESSION_IDLE_MINUTES,
  EMAIL_RETRY_DELAY_SECONDS,
  MAX_PROXY_CREDENTIAL_TTL_SECONDS,
  PROXY_CREDENTIAL_TTL_SECONDS,
} from "./constants";
import { appContext } from "./context";
import { parseSettings } from "./settings";

describe("settings", () => {
  it("falls back to the default for a missing, empty, zero, negative or non-numeric override", () => {
    for (const bad of [undefined, "", "0", "-5", "soon"]) {
      const settings = parseSettings({
        ...env,
        SESSION_IDLE_MINUTES: bad,
        EMAIL_RETRY_DELAY_SECONDS: bad,
        PROXY_CREDENTIAL_TTL_SECONDS: bad,
      });
      expect(settings.sessionIdleMinutes).toBe(DEFAULT_SESSION_IDLE_MINUTES);
      expect(settings.emailRetryDelaySeconds).toBe(EMAIL_RETRY_DELAY_SECONDS);
      expect(settings.proxyCredentialTtlSeconds).toBe(PROXY_CREDENTIAL_TTL_SECONDS);
    }
  });

  it("takes valid overrides, caps the credential lifetime, and wants it whole seconds", () => {
    const settings = parseSettings({
      ...env,
      SESSION_IDLE_MINUTES: "0.5",
      PROXY_CREDENTIAL_TTL_SECONDS: "100000",
      USAGE_RETENTION_DAYS: "7",
    });
    expect(settings.sessionIdleMinutes).toBe(0.5);
    expect(settings.usageRetentionDays).toBe(7);
    expect(settings.proxyCredentialTtlSeconds).toBe(MAX_PROXY_CREDENTIAL_TTL_SECONDS);
    expect(parseSettings({ ...env, PROXY_CREDENTIAL_TTL_SECONDS: "1.5" }).proxyCredentialTtlSeconds).toBe(PROXY_CREDENTIAL_TTL_SECONDS);
  });

  it("parses the sender, the link base and the billing return address", () => {
    const settings = parseSettings({
      ...env,
      EMAIL_FROM: ' "Cargo" <mail@example.com> ',
      PUBLIC_BASE_URL: "https://api.example.com//",
      BILLING_RETURN_URL: "",
    });
    expect(settings.emailFrom).toEqual({ name: "Cargo", email: "mail@example.com" });
    expect(settings.linkBaseUrl).toBe("https://api.example.com");
    expect(settings.billingReturnUrl).toBe(DEFAULT_BILLING_RETURN_URL);
    expect(parseSettings({ ...env, EMAIL_FROM: "bare@example.com" }).emailFrom).toEqual({ name: "Cargo VPN", email: "bare@example.com" });
  });

  it("refuses a malformed STRIPE_PRICES where settings are read, and nowhere else", async () => {
    const ctx = appContext({ ...env, STRIPE_PRICES: '{"plus":{"month":{"price":""}}}' });
    expect(() => ctx.settings).toThrow();
    // The database and keys do not depend on it.
    expect((await ctx.keys()).published.length).toBeGreaterThan(0);
    expect(parseSettings({ ...env, STRIPE_PRICES: "" }).stripe.prices).toEqual({});
  });

  it("is parsed once per configuration", () => {
    expect(parseSettings({ ...env })).toBe(parseSettings({ ...env }));
    expect(appContext(env).settings).toBe(appContext({ ...env }).settings);
  });
});
