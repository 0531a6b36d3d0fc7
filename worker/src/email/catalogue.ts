/**
 * The shape of one language's mails (locales/<language>.ts) and the one
 * function that fills a message in: `{name}` placeholders, a paragraph that
 * is exactly "{link}" becomes the link, plural words go through
 * Intl.PluralRules, and times through Intl in that language with the zone
 * named (always UTC: the service knows no one's time zone). The filling
 * itself is i18n/format.ts, shared with the account pages.
 *
 *   fill(catalogueFor("de"), "verify", { link })   // { subject, paragraphs }
 */
import type { Language } from "@cargo-vpn/shared";
import { fillPlaceholders, type PluralText } from "../i18n/format";

/** A message: its subject and paragraphs, with `{placeholder}`s. */
export interface MailText {
  subject: string;
  paragraphs: string[];
}

export interface MailCatalogue {
  /** The signature under every message. */
  signature: string;
  /** "{count} devices", by plural category. */
  devices: PluralText;
  verify: MailText;
  reset: MailText;
  deletion: MailText;
  newDevice: MailText;
  passwordChanged: MailText;
  emailChanged: MailText;
  emailChangeRequested: MailText;
  emailChangeUndone: MailText;
  accountDeleted: MailText;
  planChanged: MailText;
  /** The second paragraph of planChanged: devices stay, or stay until {until}. */
  planStay: string;
  planStayUntil: string;
  twoFactorEnabled: MailText;
  twoFactorDisabled: MailText;
  recoveryCodeUsed: MailText;
  passkeyAdded: MailText;
  passkeyRemoved: MailText;
}

export type MessageKey = { [K in keyof MailCatalogue]: MailCatalogue[K] extends MailText ? K : never }[keyof MailCatalogue];

/**
 * A time as people read it in a mail, in the mail's language, with the zone
 * named: "Wednesday, 2 December 2026 at 16:44 UTC", "Mittwoch, 2. Dezember 2026 um 16:44 UTC".
 */
export function mailTime(atMs: number, language: Language = "en"): string {
  // en-GB for English: a 24-hour clock and day-month order read the same on every side of the Atlantic.
  const locale = language === "en" ? "en-GB" : language;
  return new Intl.DateTimeFormat(locale, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(atMs);
}

export function fill(text: MailText, values: Record<string, string>): MailText {
  return { subject: fillPlaceholders(text.subject, values), paragraphs: text.paragraphs.map((p) => fillPlaceholders(p, values)) };
}
