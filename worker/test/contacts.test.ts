/**
 * The privacy policy made true for this product (issue 18, item 6): it names
 * Cargo VPN and its account, never Eltima, and its two contacts come from
 * configuration (PRIVACY_EMAIL, ABUSE_EMAIL), filled wherever it is shown.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ABUSE_EMAIL, DEFAULT_PRIVACY_EMAIL } from "../src/constants";
import { parseSettings } from "../src/settings";
import { env } from "cloudflare:test";
import { call } from "./client";

describe("the privacy policy's contacts", () => {
  it("GET /v1/contacts answers the configured addresses, and the defaults when unset", async () => {
    const res = await call("GET", "/v1/contacts");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ privacyEmail: env.PRIVACY_EMAIL, abuseEmail: env.ABUSE_EMAIL });
    expect(parseSettings({ ...env, PRIVACY_EMAIL: "", ABUSE_EMAIL: undefined }).contacts).toEqual({
      privacyEmail: DEFAULT_PRIVACY_EMAIL,
      abuseEmail: DEFAULT_ABUSE_EMAIL,
    });
    expect(parseSettings({ ...env, PRIVACY_EMAIL: " dpo@example.org " }).contacts.privacyEmail).toBe("dpo@example.org");
  });

  it("GET /account/privacy serves the policy with both contacts filled, naming the product and its account, never Eltima", async () => {
    const res = await call("GET", "/account/privacy");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = res.body as string;
    expect(text).not.toMatch(/eltima/i);
    expect(text).not.toMatch(/\{(privacyEmail|abuseEmail)\}/);
    expect(text).toContain(`contacting us at ${env.PRIVACY_EMAIL} clearly indicating`);
    expect(text).toContain(`by emailing us at ${env.ABUSE_EMAIL}.`);
    expect(text).toContain("Cargo VPN account");
    // Every promise of the original stays.
    for (const promise of [
      "does NOT collect and log any user activities",
      "except the total amount of web traffic for each session and session dates",
      "encrypted information about the amount of connected devices",
      "children under the age of thirteen (13)",
      "encrypted, using AES 256 algorithm, so only you will have access to it",
      "will have neither access to your password nor methods to decrypt it",
      "will never ask you about your Cargo VPN account password",
      "At any time you may deactivate your Cargo VPN account and delete your personal private data",
    ]) {
      expect(text).toContain(promise);
    }
  });
});
