/**
 * Every language's account pages, by the languages accounts can have
 * (shared/src/languages.ts, the mails' list): the type makes a missing
 * language a compile error, and locales.test.ts a missing text,
 * placeholder or plural form.
 */
import type { Language } from "@cargo-vpn/shared";
import type { PageCatalogue } from "../page-catalogue";
import { ar } from "./ar";
import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { it } from "./it";
import { ja } from "./ja";
import { pl } from "./pl";
import { ptBR } from "./pt-BR";
import { ru } from "./ru";
import { tr } from "./tr";
import { uk } from "./uk";
import { zhCN } from "./zh-CN";

export const PAGE_CATALOGUES: Record<Language, PageCatalogue> = {
  en,
  ar,
  de,
  es,
  fr,
  it,
  ja,
  pl,
  "pt-BR": ptBR,
  ru,
  tr,
  uk,
  "zh-CN": zhCN,
};
