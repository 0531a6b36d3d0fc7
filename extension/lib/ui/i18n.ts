/**
 * `t("key", ...substitutions)`: user-facing strings from `_locales`. Falls back
 * to the key itself so a missing string is visible instead of blank.
 */
import { browser } from "wxt/browser";

export type Translate = (key: string, ...substitutions: (string | number)[]) => string;

export const t: Translate = (key, ...substitutions) => {
  const message = browser.i18n.getMessage(key as never, substitutions.map(String));
  return message || key;
};
