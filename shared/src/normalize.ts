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
 * control character (Cc), every format character (Cf: the bidirectional
 * embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the
 * zero-width space, joiners and no-break space, soft hyphen, …), line and
 * paragraph separators, and the Hangul fillers that render as blank letters.
 * Without them one device cannot make its label read like another's.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/gu;

/** A device label as shown in the device list: NFC, invisible characters removed, runs of spaces made one, trimmed. */
export function cleanDeviceLabel(raw: string): string {
  return raw.normalize("NFC").replace(INVISIBLE, "").replace(/\s+/gu, " ").trim();
}
