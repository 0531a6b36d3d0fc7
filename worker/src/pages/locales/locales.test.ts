/**
 * Every account-page translation is complete, as the mails' are
 * (email/locales/locales.test.ts): each has every text of English with the
 * same {placeholders}, the plural forms its language needs
 * (Intl.PluralRules), and is written in its own language. A dropped "{wait}"
 * or a missing Polish "few" fails here, not on someone's screen.
 */
import { LANGUAGES } from "@cargo-vpn/shared";
import { describe, expect, it } from "vitest";
import { type PluralText, placeholdersOf } from "../../i18n/format";
import { PAGE_CATALOGUES } from "./index";

const en = PAGE_CATALOGUES.en;
type Tree = { [key: string]: string | Tree };

/** A plural text is the object with an `other` form (and nothing that is not a plural category). */
const PLURAL_CATEGORIES = new Set(["zero", "one", "two", "few", "many", "other"]);
const isPlural = (value: unknown): value is PluralText =>
  typeof value === "object" && value !== null && "other" in value && Object.keys(value).every((k) => PLURAL_CATEGORIES.has(k));

/** Every leaf of the English catalogue: its path and its value (a string or plural forms). */
function leaves(tree: Tree, path: string[] = []): Array<[string, string | PluralText]> {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" || isPlural(value)
      ? [[[...path, key].join("."), value] as [string, string | PluralText]]
      : leaves(value, [...path, key]),
  );
}

function at(tree: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), tree);
}

/** Placeholders a plural form must keep: English's, except {count}, which a form like Arabic "حرف واحد" may spell out. */
const withoutCount = (text: string) => placeholdersOf(text).filter((p) => p !== "{count}");

describe("account page translations", () => {
  it("English has the plural forms English needs", () => {
    for (const [path, source] of leaves(en as unknown as Tree)) {
      if (isPlural(source))
        for (const category of ["one", "other"] as const) expect(source[category], `en: ${path}.${category}`).toBeTypeOf("string");
    }
  });

  for (const language of LANGUAGES.filter((l) => l !== "en")) {
    describe(language, () => {
      const catalogue = PAGE_CATALOGUES[language];
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;

      it("has every text with the same placeholders, and every plural form its language needs", () => {
        for (const [path, source] of leaves(en as unknown as Tree)) {
          const translated = at(catalogue, path);
          expect(translated, `${language}: ${path} missing`).toBeDefined();
          if (typeof source === "string") {
            expect(translated, `${language}: ${path}`).toBeTypeOf("string");
            expect(placeholdersOf(translated as string), `${language}: ${path}`).toEqual(placeholdersOf(source));
            continue;
          }
          expect(isPlural(translated), `${language}: ${path} has plural forms`).toBe(true);
          const forms = translated as PluralText;
          for (const category of categories) {
            const form = forms[category];
            expect(form, `${language}: ${path}.${category}`).toBeTypeOf("string");
            expect(withoutCount(form!), `${language}: ${path}.${category}`).toEqual(withoutCount(source.other));
          }
          // {count} is written wherever the language's rules do not fix the number (its `other` form at least).
          expect(placeholdersOf(forms.other), `${language}: ${path}.other`).toContain("{count}");
          for (const category of Object.keys(forms))
            expect(categories, `${language}: ${path} has a needless "${category}"`).toContain(category);
        }
      });

      it("is written in its own language: no text is English's", () => {
        for (const [path, source] of leaves(en as unknown as Tree)) {
          const translated = at(catalogue, path);
          const pairs = typeof source === "string" ? [[source, translated]] : [[source.other, (translated as PluralText).other]];
          for (const [english, own] of pairs) expect(own, `${language}: ${path} is still English`).not.toBe(english);
        }
      });
    });
  }
});
