/**
 * `t("key", ...substitutions)`: user-facing strings from `_locales`. Keys are
 * typed from the messages WXT generates types for (`wxt prepare`, run by
 * `npm run extension -- typecheck`, writes .wxt/types/i18n.d.ts from _locales/en), so a key
 * that is not in messages.json fails tsc. Falls back to the key itself so a
 * string missing in a locale is visible instead of blank.
 */
import { browser } from "wxt/browser";

/**
 * Every message name in _locales/en/messages.json. WXT declares one
 * `getMessage` overload per key and a last one taking their union, which is
 * the one `Parameters` sees; the browser's predefined `@@` messages are not ours.
 */
export type MessageKey = Exclude<Parameters<typeof browser.i18n.getMessage>[0], `@@${string}`>;

/** A message stored once per plural category (`<base>_one`, `<base>_other`, …); see plural.ts. */
export type PluralBase = MessageKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;

export type Translate = (key: MessageKey, ...substitutions: (string | number)[]) => string;

/** Right-to-left translations (Arabic): see `t`. */
const RTL_LOCALE = /^(ar|fa|he|ur)(-|$)/;
let isolateSubstitutions: boolean | undefined;

/**
 * In a right-to-left translation each substitution (a username, an email, a
 * location name: mostly left-to-right text) is wrapped in a Unicode isolate
 * (FSI … PDI), so its own direction cannot reorder the sentence around it.
 */
export const t: Translate = (key, ...substitutions) => {
  if (substitutions.length > 0) isolateSubstitutions ??= RTL_LOCALE.test(browser.i18n.getMessage("localeCode"));
  const values = substitutions.map((value) => (isolateSubstitutions ? `\u2068${value}\u2069` : String(value)));
  const message = browser.i18n.getMessage(key, values);
  return message || key;
};
