/**
 * Numbers and dates as people read them, in the language the page is shown
 * in (locale.ts), not the browser's: an English page in a German browser
 * gets English dates.
 */
import { shownLocale } from "./locale";

const UNITS = ["B", "kB", "MB", "GB", "TB"];

export function formatBytes(bytes: number, locale = shownLocale()): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${UNITS[unit]}`;
}

export function formatDate(iso: string, locale = shownLocale()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** "DE" → "Germany" in the reader's language; the code itself when the browser does not know it. */
export function countryName(code: string, locale = shownLocale()): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** An amount in minor units ("499", "eur") as the reader writes money ("€4.99"). */
export function formatMoney(minor: number, currency: string, locale = shownLocale()): string {
  const code = currency.toUpperCase();
  try {
    const digits = new Intl.NumberFormat(locale, { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat(locale, { style: "currency", currency: code }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`;
  }
}

/** A UTC day ("2026-01-01", the API's lastActiveOn) as a date without a time, in the reader's locale. */
export function formatDay(day: string, locale?: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString(locale, { dateStyle: "medium", timeZone: "UTC" });
}

/** Time connected as a clock reads: "4:05" (minutes:seconds), "1:02:03" past an hour, digits of the locale. */
export function formatElapsed(totalSeconds: number, locale = shownLocale()): string {
  const two = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false });
  const one = new Intl.NumberFormat(locale, { useGrouping: false });
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${one.format(hours)}:${two.format(minutes)}:${two.format(seconds)}` : `${one.format(minutes)}:${two.format(seconds)}`;
}

/** A round trip as the reader writes it: "23 ms", "23 ms" (de), "٢٣ ملي ث" (ar). */
export function formatLatency(ms: number, locale = shownLocale()): string {
  return new Intl.NumberFormat(locale, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 }).format(ms);
}
