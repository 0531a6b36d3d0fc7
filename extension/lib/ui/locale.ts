/**
 * The language the pages are actually shown in: the translation the browser
 * picked from _locales (its UI language if we ship it, else English), read
 * from that translation's own `localeCode` message. Numbers, dates, plurals
 * and `<html lang/dir>` follow it, never the browser's language alone — a
 * German browser with an English page must not get German dates in it.
 */
import { isLanguage, type Language } from "@cargo-vpn/shared/languages";
import { t } from "./i18n";

const RTL = new Set(["ar", "fa", "he", "ur"]);

/** BCP 47 tag of the translation shown ("pt-BR", "zh-CN", "en"). */
export function shownLocale(): string {
  let code: string;
  try {
    code = t("localeCode");
  } catch {
    // No extension i18n here (a unit test's bare DOM): English, the default locale.
    return "en";
  }
  return code === "localeCode" || !code ? "en" : code;
}

function isRightToLeft(locale: string): boolean {
  return RTL.has(locale.split("-")[0]!.toLowerCase());
}

/** Sets `lang` and `dir` on the page to the translation shown. */
export function applyLocale(root: HTMLElement = document.documentElement): void {
  const locale = shownLocale();
  root.lang = locale;
  root.dir = isRightToLeft(locale) ? "rtl" : "ltr";
}

/** The account language to send at sign-up: the translation shown, so the mails match the popup. */
export function accountLanguage(): Language {
  const shown = shownLocale();
  return isLanguage(shown) ? shown : "en";
}
