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
import { it } from "./it";
import { pl } from "./pl";
import { ptBR } from "./pt-BR";
import { tr } from "./tr";

/** Not translated yet (issue 19 item 5, left for the next stop). */
export const PENDING: readonly Language[] = ["ja", "ru", "uk", "zh-CN"];

export const CATALOGUES: Record<Language, MailCatalogue> = {
  en,
  ar,
  de,
  es,
  fr,
  it,
  ja: en,
  pl,
  "pt-BR": ptBR,
  ru: en,
  tr,
  uk: en,
  "zh-CN": en,
};
