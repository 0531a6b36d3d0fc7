/**
 * A quick, honest password strength hint for the sign-up form. It cannot be
 * checked by the server (the password never leaves the device), so this is
 * the only feedback the user gets. Length dominates; variety helps; obvious
 * patterns hurt.
 */
import { MIN_PASSWORD_LENGTH, passwordLength } from "@cargo-vpn/shared/account-rules";
import type { MessageKey } from "./i18n";
export type Strength = "tooShort" | "weak" | "fair" | "strong" | "veryStrong";

const COMMON = /^(password|qwerty|letmein|welcome|admin|iloveyou|123456|abc123|monkey|dragon)/i;

export function passwordStrength(password: string, username = ""): Strength {
  const length = passwordLength(password);
  // The one rule of shared/account-rules.ts (the worker's reset page applies it too).
  if (length < MIN_PASSWORD_LENGTH) return "tooShort";
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  let score = Math.min(4, Math.floor(length / 4)) + classes;
  if (COMMON.test(password)) score -= 3;
  if (username && password.toLowerCase().includes(username.toLowerCase())) score -= 2;
  if (/^(.)\1+$/.test(password) || /^(?:0123456789|1234567890|abcdefghij)/i.test(password)) score -= 3;
  if (score <= 3) return "weak";
  if (score <= 5) return "fair";
  if (score <= 7) return "strong";
  return "veryStrong";
}

export const STRENGTH_KEYS: Record<Strength, MessageKey> = {
  tooShort: "strengthTooShort",
  weak: "strengthWeak",
  fair: "strengthFair",
  strong: "strengthStrong",
  veryStrong: "strengthVeryStrong",
};
