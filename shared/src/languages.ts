/**
 * The languages an account can have: English and the twelve translations the
 * extension ships (extension/public/_locales, folder names with "_" for "-").
 * The account's language picks its mails' and account pages' translation; the
 * extension sends its UI language at sign-up and whenever it changes.
 *
 *   isLanguage("pt-BR")   // true
 *   textDirection("ar")   // "rtl"
 */

export const LANGUAGES = ["en", "ar", "de", "es", "fr", "it", "ja", "pl", "pt-BR", "ru", "tr", "uk", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

/** What an account has until it says otherwise. */
export const DEFAULT_LANGUAGE: Language = "en";

export function isLanguage(tag: unknown): tag is Language {
  return typeof tag === "string" && (LANGUAGES as readonly string[]).includes(tag);
}

export function textDirection(language: Language): "rtl" | "ltr" {
  return language === "ar" ? "rtl" : "ltr";
}
