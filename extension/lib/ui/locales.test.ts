/**
 * Every shipped translation is complete: each locale has every message of
 * _locales/en with the same placeholders ($1…$9), the plural forms its
 * language needs (Intl.PluralRules: Arabic six, Russian four, Japanese one),
 * and a `localeCode` that names it. A missing key or a dropped "$1" fails
 * here, not in front of a reader.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../../public/_locales");
type Messages = Record<string, { message: string }>;
const read = (locale: string) => JSON.parse(readFileSync(join(ROOT, locale, "messages.json"), "utf8")) as Messages;
const en = read("en");
const locales = readdirSync(ROOT).filter((l) => l !== "en");
const placeholders = (text: string) => [...new Set(text.match(/\$\d/g) ?? [])].sort();
const pluralBases = Object.keys(en)
  .filter((k) => k.endsWith("_other"))
  .map((k) => k.slice(0, -"_other".length));
const isPluralForm = (key: string) => pluralBases.some((base) => key.startsWith(`${base}_`));
const bcp47 = (folder: string) => folder.replace("_", "-");

/** Whether, among 0…1000, a single number falls in this plural category. */
function exactlyOneNumber(locale: string, category: string): boolean {
  const rules = new Intl.PluralRules(locale);
  let count = 0;
  for (let n = 0; n <= 1000 && count < 2; n++) if (rules.select(n) === category) count++;
  return count === 1;
}

describe("translations", () => {
  it("ship the twelve languages besides English", () => {
    expect(locales.sort()).toEqual(["ar", "de", "es", "fr", "it", "ja", "pl", "pt_BR", "ru", "tr", "uk", "zh_CN"]);
  });

  for (const locale of locales) {
    describe(locale, () => {
      const messages = read(locale);

      it("has every message with the same placeholders", () => {
        for (const [key, { message }] of Object.entries(en)) {
          if (isPluralForm(key)) continue;
          expect(messages[key]?.message, `${locale}: ${key} missing`).toBeTypeOf("string");
          expect(placeholders(messages[key]!.message), `${locale}: ${key} placeholders`).toEqual(placeholders(message));
        }
      });

      it("has no message English does not", () => {
        for (const key of Object.keys(messages)) {
          if (isPluralForm(key)) continue;
          expect(en[key], `${locale}: ${key} is not an English message`).toBeDefined();
        }
      });

      it("has the plural forms its language needs (Intl.PluralRules), each with the placeholders", () => {
        const categories = new Intl.PluralRules(bcp47(locale)).resolvedOptions().pluralCategories;
        for (const base of pluralBases) {
          for (const category of categories) {
            const key = `${base}_${category}`;
            expect(messages[key]?.message, `${locale}: ${key} missing`).toBeTypeOf("string");
            const want = placeholders(en[`${base}_other`]!.message);
            const got = placeholders(messages[key]!.message);
            // A form that only one number takes (Arabic "one" is 1, "two" is 2) may say it in words ("جهازان").
            const onlyOne = exactlyOneNumber(bcp47(locale), category);
            expect(onlyOne ? got.filter((p) => p !== "$1") : got, `${locale}: ${key} placeholders`).toEqual(
              onlyOne ? want.filter((p) => p !== "$1") : want,
            );
          }
        }
      });

      it("names itself", () => {
        expect(messages.localeCode?.message).toBe(bcp47(locale));
      });
    });
  }
});
