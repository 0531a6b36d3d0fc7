/**
 * How usernames and emails are made canonical before they are validated,
 * indexed or stored, so that case and Unicode variants collide as people expect
 * ("Ａｌｉｃｅ" and "alice" are one user).
 */

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,32}$/;

export function normalizeUsername(raw: string): string {
  return raw.normalize("NFKC").toLowerCase();
}

export function normalizeEmail(raw: string): string {
  return raw.normalize("NFKC").trim().toLowerCase();
}

/**
 * Characters a device label loses before it is validated or stored: every
 * control character (Cc) and format character (Cf: the bidirectional
 * embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the
 * marks U+200E, U+200F and U+061C, zero-width space and joiners, word joiner,
 * BOM, soft hyphen, …), and the Hangul fillers that render as blank letters.
 * Line breaks and tabs become spaces first. Without them one device cannot
 * make its label read like another's.
 */
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0]/gu;

/** A device label as shown in the device list: NFC, invisible characters removed, runs of spaces made one, trimmed. */
export function cleanDeviceLabel(raw: string): string {
  return raw.replace(LINE_BREAKS, " ").replace(INVISIBLE, "").normalize("NFC").replace(/\s+/gu, " ").trim();
}
