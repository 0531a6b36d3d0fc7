/**
 * Every language's mails, by the account's language (shared/src/languages.ts):
 * the type makes a missing language a compile error. Languages in PENDING
 * have no mail translation yet and get the English text until theirs lands.
 */
import type { Language } from "@cargo-vpn/shared";
import type { MailCatalogue } from "../catalogue";
import { ar } from "./ar";
import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { ja } from "./ja";
import { ru } from "./ru";
import { uk } from "./uk";
import { zhCN } from "./zh-CN";

/** Not translated yet (issue 19 item 5, left for the next stop). */
export const PENDING: readonly Language[] = ["it", "pl", "pt-BR", "tr"];

export const CATALOGUES: Record<Language, MailCatalogue> = {
  en,
  ar,
  de,
  es,
  fr,
  it: en,
  ja,
  pl: en,
  "pt-BR": en,
  ru,
  tr: en,
  uk,
  "zh-CN": zhCN,
};
