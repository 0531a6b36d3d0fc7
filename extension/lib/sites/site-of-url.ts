/**
 * The site a page belongs to, as a rule for it would name it: its registrable
 * domain by the Public Suffix List (tldts), else its host. Background only:
 * the list is too large for the popup's bundle.
 *
 *   siteOfUrl("https://www.news.example.co.uk/a")   // "example.co.uk"
 */
import { getDomain } from "tldts";
import { normalizeSite } from "./site-rules";

export function siteOfUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return normalizeSite(getDomain(host) ?? host);
}
