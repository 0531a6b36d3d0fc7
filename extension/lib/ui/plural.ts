/**
 * Plurals by the platform's rules (Intl.PluralRules), since browser i18n
 * messages have none: a counted message is stored once per plural category
 * ("planName_one", "planName_other", …) and `tp` picks the one the reader's
 * language needs for `count`, falling back to "_other".
 *
 *   tp("deviceCount", 5)             // "5 devices"
 *   tp("planName", 1, "Free")        // "Plan: Free (1 device)"
 */
import { type MessageKey, type PluralBase, t, type Translate } from "./i18n";
import { shownLocale } from "./locale";

function pluralKey(key: PluralBase, count: number, locale = shownLocale(), translate: Translate = t): MessageKey {
  const category = new Intl.PluralRules(locale).select(count);
  // Only en's categories are known to the types; another locale's ("_few", "_many") is looked up and falls back to "_other".
  const specific = `${key}_${category}` as MessageKey;
  return translate(specific) !== specific ? specific : `${key}_other`;
}

/** `count` is substituted as $1 (formatted for the locale), then `rest` as $2, $3, …. */
export function tp(key: PluralBase, count: number, ...rest: (string | number)[]): string {
  // The rules and digits of the language shown, not the browser's (a German browser may get the English page).
  const locale = shownLocale();
  return t(pluralKey(key, count, locale), count.toLocaleString(locale), ...rest);
}
