/**
 * The shape of one language's mails (locales/<language>.ts) and the one
 * function that fills a message in: `{name}` placeholders, a paragraph that
 * is exactly "{link}" becomes the link, plural words go through
 * Intl.PluralRules, and times through Intl in that language with the zone
 * named (always UTC: the service knows no one's time zone).
 *
 *   fill(catalogueFor("de"), "verify", { link })   // { subject, paragraphs }
 */
import type { Language } from "@cargo-vpn/shared";

/** A message: its subject and paragraphs, with `{placeholder}`s. */
export interface MailText {
  subject: string;
  paragraphs: string[];
}

/** Plural forms by Intl.PluralRules category; `other` is always there. */
export type PluralText = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

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

function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/** The placeholders a text uses, sorted: what every translation must keep. */
export function placeholdersOf(text: string): string[] {
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

export function plural(language: Language, forms: PluralText, count: number): string {
  const category = new Intl.PluralRules(language).select(count);
  return fillPlaceholders(forms[category] ?? forms.other, { count: new Intl.NumberFormat(language).format(count) });
}

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
