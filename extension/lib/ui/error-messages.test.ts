import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROBLEM_STATUS } from "@cargo-vpn/shared/problems";
import { describe, expect, it } from "vitest";
import messages from "../../public/_locales/en/messages.json";
import { ERROR_CODES, errorMessageKey } from "./error-messages";
import { STRENGTH_KEYS } from "./password-strength";

const text = (key: string) => (messages as Record<string, { message: string }>)[key]?.message;

describe("error code → plain-language message", () => {
  it("every API problem code has its own sentence in the English locale", () => {
    for (const code of Object.keys(PROBLEM_STATUS)) {
      const key = errorMessageKey(code);
      expect(text(key), `${code} → ${key}`).toBeTruthy();
    }
  });

  it("every connection reason has one too, and they name the cause", () => {
    expect(text(errorMessageKey("proxy_controlled_by_other"))).toMatch(/another extension/i);
    expect(text(errorMessageKey("network"))).toMatch(/can't reach/i);
    expect(text(errorMessageKey("device_limit"))).toMatch(/device/i);
    expect(text(errorMessageKey("invalid_credentials"))).toMatch(/wrong username or password/i);
    expect(text(errorMessageKey("rate_limited"))).toMatch(/too many/i);
    expect(text(errorMessageKey("bad_response"))).toMatch(/can't read/i);
    for (const code of ERROR_CODES) expect(text(errorMessageKey(code)), code).toBeTruthy();
  });

  it("an unknown code still gets a sentence, never the raw code", () => {
    expect(errorMessageKey("something_new")).toBe("errUnknown");
    // Names Object.prototype carries are not codes either.
    for (const code of ["constructor", "__proto__", "toString", "hasOwnProperty"]) expect(errorMessageKey(code)).toBe("errUnknown");
  });
});

describe("locale completeness", () => {
  /** Every t("key") / getMessage("key") / titleKey in the sources. */
  function usedKeys(dir: string, found = new Set<string>()): Set<string> {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) usedKeys(path, found);
      else if (/\.ts$/.test(name) && !name.endsWith(".test.ts")) {
        // Doc comments show usage examples such as t("key"); only code counts.
        const source = readFileSync(path, "utf8")
          .replace(/\/\*[\s\S]*?\*\//g, "")
          .replace(/\/\/.*$/gm, "");
        for (const match of source.matchAll(/\b(?:t|getMessage)\(\s*"([A-Za-z0-9_]+)"/g)) found.add(match[1]!);
        for (const match of source.matchAll(/(?:titleKey: |: )"((?:err|state|strength)[A-Z][A-Za-z]+)"/g)) found.add(match[1]!);
      }
    }
    return found;
  }

  it("every string key the code uses exists in _locales/en/messages.json", () => {
    const keys = [...usedKeys(join(__dirname, "..")), ...usedKeys(join(__dirname, "../../entrypoints")), ...Object.values(STRENGTH_KEYS)];
    expect(keys.length).toBeGreaterThan(60);
    const missing = keys.filter((key) => !text(key));
    expect(missing).toEqual([]);
  });

  it("keys are valid message names for both browsers", () => {
    for (const key of Object.keys(messages)) expect(key).toMatch(/^[A-Za-z0-9_]+$/);
  });
});
