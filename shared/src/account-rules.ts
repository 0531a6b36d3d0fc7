/**
 * The one rule for passwords and email addresses that every form applies
 * before anything is sent: the popup (sign-up, change password, change
 * email, forgot password), the options page and the worker's account pages
 * (the reset-password page). The password never reaches the server (only its
 * authKey does), so these forms are the only place its length can be checked.
 * Length is counted in code points after NFKC, the form the KDF hashes
 * (shared/kdf.ts): "🔑🔑🔑🔑🔑" is five characters, not ten UTF-16 units.
 *
 *   passwordProblem("short")        // "too_short"
 *   isPlausibleEmail(normalizeEmail(" Ana@Example.org "))   // true
 */

export const MIN_PASSWORD_LENGTH = 10;

/** Characters as people count them (code points of the NFKC form). */
export function passwordLength(password: string): number {
  return [...password.normalize("NFKC")].length;
}

export function passwordProblem(password: string): "too_short" | null {
  return passwordLength(password) < MIN_PASSWORD_LENGTH ? "too_short" : null;
}

/**
 * Something@something.tld, no spaces: what can be checked without sending a
 * mail. The API validates again (zod's email) and the confirmation link
 * proves the rest.
 */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isPlausibleEmail(address: string): boolean {
  return EMAIL_PATTERN.test(address);
}
