/**
 * The one way the worker's texts are filled in, for the mails (email/) and
 * the account pages (pages/, also inside the pages' script): `{name}`
 * placeholders, plural words by Intl.PluralRules, numbers by Intl in the
 * text's language. Pure: no Worker or DOM API, so the browser bundle can use it.
 *
 *   plural("ru", { one: "{count} символ", few: "{count} символа", many: "{count} символов", other: "{count} символа" }, 10)
 *   // "10 символов"
 */
import type { Language } from "@cargo-vpn/shared";

/** Plural forms by Intl.PluralRules category; `other` is always there. */
export type PluralText = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/** The placeholders a text uses, sorted: what every translation must keep. */
export function placeholdersOf(text: string): string[] {
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

/** The form for `count` with `{count}` filled in, the number written the language's way. */
export function plural(language: Language, forms: PluralText, count: number, values: Record<string, string> = {}): string {
  const category = new Intl.PluralRules(language).select(count);
  return fillPlaceholders(forms[category] ?? forms.other, { ...values, count: new Intl.NumberFormat(language).format(count) });
}

/**
 * A wait as a phrase of the language ("in 15 minutes", "in 15 Minuten", "15 分後"), by
 * Intl.RelativeTimeFormat, rounded up as the popup does (extension/lib/ui/retry-wait.ts):
 * never inviting a try the API would still refuse; under a minute in steps of ten seconds.
 */
export function waitPhrase(language: Language, seconds: number): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: "always" });
  if (seconds > 90 * 60) return format.format(Math.ceil(seconds / 3600), "hour");
  if (seconds > 60) return format.format(Math.ceil(seconds / 60), "minute");
  const whole = Math.max(1, Math.ceil(seconds));
  return format.format(whole <= 10 ? whole : Math.min(60, Math.ceil(whole / 10) * 10), "second");
}
