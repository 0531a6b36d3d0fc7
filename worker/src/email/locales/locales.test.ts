/**
 * Every mail translation is complete: each has every message of English with
 * the same paragraphs and the same {placeholders}, the plural forms its
 * language needs (Intl.PluralRules), and no "{link}" paragraph moved. A
 * missing key or a dropped "{time}" fails here, not in someone's inbox.
 */
import { LANGUAGES } from "@cargo-vpn/shared";
import { describe, expect, it } from "vitest";
import { placeholdersOf } from "../../i18n/format";
import type { MailText } from "../catalogue";
import { CATALOGUES } from "./index";

const en = CATALOGUES.en;
const isText = (v: unknown): v is MailText => typeof v === "object" && v !== null && "paragraphs" in v;

describe("mail translations", () => {
  for (const language of LANGUAGES.filter((l) => l !== "en")) {
    describe(language, () => {
      const catalogue = CATALOGUES[language];

      it("is its own translation, not English", () => {
        expect(catalogue).not.toBe(en);
        expect(catalogue.verify.subject).not.toBe(en.verify.subject);
      });

      it("has every message with the same paragraphs and placeholders", () => {
        for (const [key, source] of Object.entries(en)) {
          const translated = (catalogue as unknown as Record<string, unknown>)[key];
          expect(translated, `${language}: ${key} missing`).toBeDefined();
          if (typeof source === "string") {
            expect(placeholdersOf(translated as string), `${language}: ${key}`).toEqual(placeholdersOf(source));
          } else if (isText(source)) {
            const text = translated as MailText;
            expect(placeholdersOf(text.subject), `${language}: ${key}.subject`).toEqual(placeholdersOf(source.subject));
            expect(text.paragraphs.length, `${language}: ${key} paragraphs`).toBe(source.paragraphs.length);
            source.paragraphs.forEach((p, i) => {
              if (p === "{link}") expect(text.paragraphs[i], `${language}: ${key}[${i}] is the link`).toBe("{link}");
              expect(placeholdersOf(text.paragraphs[i]!), `${language}: ${key}[${i}]`).toEqual(placeholdersOf(p));
            });
          }
        }
      });

      it("has the plural forms its language needs", () => {
        for (const category of new Intl.PluralRules(language).resolvedOptions().pluralCategories) {
          const form = catalogue.devices[category] ?? (category === "other" ? catalogue.devices.other : undefined);
          expect(form, `${language}: devices.${category}`).toBeTypeOf("string");
        }
      });
    });
  }
});
