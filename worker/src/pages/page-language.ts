/**
 * The language an account page is shown in: the link's `lang` (the mails
 * and the API put the account's language there: the token rides in the
 * fragment, which the server never sees), else the best shipped match of
 * the browser's Accept-Language, else English. Hono's language detector
 * does the parsing and matching (q-values, "de-AT" → "de"); nothing is
 * remembered in a cookie.
 *
 *   pageLanguage   // middleware: c.get("language") is a Language
 */
import { DEFAULT_LANGUAGE, LANGUAGES } from "@cargo-vpn/shared";
import { languageDetector } from "hono/language";

/**
 * Tags whose readers are best served by a shipped neighbour: any Portuguese by
 * pt-BR, Simplified Chinese wherever it is written by zh-CN. Traditional
 * Chinese (zh-TW, zh-HK, zh-Hant) is left unmatched: English serves it better
 * than a script its readers did not ask for.
 */
function nearestShipped(tag: string): string {
  const lower = tag.toLowerCase();
  if (lower === "pt" || lower.startsWith("pt-")) return "pt-BR";
  if (lower === "zh" || lower.startsWith("zh-hans") || lower === "zh-sg" || lower === "zh-cn") return "zh-CN";
  return tag;
}

export const pageLanguage = languageDetector({
  supportedLanguages: [...LANGUAGES],
  fallbackLanguage: DEFAULT_LANGUAGE,
  order: ["querystring", "header"],
  lookupQueryString: "lang",
  caches: false,
  convertDetectedLanguage: nearestShipped,
});
