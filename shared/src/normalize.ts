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
