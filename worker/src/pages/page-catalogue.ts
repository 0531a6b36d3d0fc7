/**
 * The shape of one language's account pages (pages/locales/<language>.ts):
 * what the server writes into each page, and `script`, what the page's own
 * script says as the person acts (handed to it in the page, so the script
 * needs no second copy of the texts). Filled with i18n/format.ts, as the
 * mails are; locales.test.ts fails on a missing key, placeholder or plural form.
 */
import type { PluralText } from "../i18n/format";

/** A page with one button: its heading, what it does, and the button. */
export interface ConfirmPageText {
  title: string;
  intro: string;
  submit: string;
}

/** What the page's script shows in its live region. `{wait}` is a phrase like "in 15 minutes". */
export interface PageScriptText {
  /** The link's token is missing (a link copied in part). */
  needsLink: string;
  /** A passkey page opened without what the extension puts in its address. */
  needsExtension: string;
  confirming: string;
  emailConfirmed: string;
  usernameInvalid: string;
  /** `{count}`: the minimum length, by plural category. */
  passwordTooShort: PluralText;
  passwordsDiffer: string;
  deriving: string;
  passwordChanged: string;
  tickTheBox: string;
  deleting: string;
  deleted: string;
  undoing: string;
  undone: string;
  passkeyCreating: string;
  passkeyRegistered: string;
  passkeyUsing: string;
  passkeySignedIn: string;
  passkeyCancelled: string;
  invalidToken: string;
  usernameMismatch: string;
  rateLimited: string;
  rateLimitedWait: string;
  busyWait: string;
  tryAgainNow: string;
  network: string;
  validation: string;
  unknown: string;
  invalidTicket: string;
  invalidChallenge: string;
  invalidPasskey: string;
  /** `{count}`: how many passkeys an account may have. */
  passkeyLimit: PluralText;
}

/** The script's texts as the page hands them over: plurals already chosen, only `{wait}` left to fill. */
export type PageScriptStrings = { [K in keyof PageScriptText]: string };

export interface PageCatalogue {
  /** Shown when the browser runs no script. */
  needsScript: string;
  verifyEmail: ConfirmPageText;
  resetPassword: ConfirmPageText & {
    username: string;
    usernameHint: string;
    newPassword: string;
    /** `{count}`: the minimum length. */
    passwordHint: PluralText;
    repeatPassword: string;
  };
  undoEmailChange: ConfirmPageText;
  deleteAccount: ConfirmPageText & { understood: string };
  passkeys: ConfirmPageText & { label: string };
  passkeySignIn: ConfirmPageText;
  script: PageScriptText;
}
