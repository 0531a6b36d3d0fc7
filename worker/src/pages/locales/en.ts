/** The account pages in English: the source every translation follows (same keys, same placeholders). */
import type { PageCatalogue } from "../page-catalogue";

export const en: PageCatalogue = {
  needsScript: "This page needs JavaScript to confirm: it runs only this site's own script.",
  verifyEmail: {
    title: "Confirm your email address",
    intro: "Confirm that this email address belongs to your Cargo VPN account.",
    submit: "Confirm my email address",
  },
  resetPassword: {
    title: "Choose a new password",
    intro: "Your password is turned into keys on this device; it is never sent to us. Every device will be signed out.",
    username: "Your username",
    usernameHint: "The name you sign in with. Only your devices can read it, so we ask for it to lock it again under the new password.",
    newPassword: "New password",
    passwordHint: {
      one: "At least {count} character. A long phrase is best.",
      other: "At least {count} characters. A long phrase is best.",
    },
    repeatPassword: "New password again",
    submit: "Set new password",
  },
  undoEmailChange: {
    title: "Undo the email change",
    intro:
      "This cancels the change of your Cargo VPN account's email address, or puts this address back if the change went through, and signs every device out. Then choose a new password: \u201cForgot password?\u201d on the sign-in screen of the Cargo VPN popup sends a link here.",
    submit: "Undo the change and sign everyone out",
  },
  deleteAccount: {
    title: "Delete your account",
    intro: "This deletes your Cargo VPN account and everything stored about it: devices, usage history, settings. It cannot be undone.",
    understood: "I understand that my account and its data will be deleted for good.",
    submit: "Delete my account",
  },
  passkeys: {
    title: "Add a passkey",
    intro: "A passkey on this device (or a security key) can then finish signing in to Cargo VPN after your password.",
    label: "Name for this passkey (optional)",
    submit: "Create a passkey",
  },
  passkeySignIn: {
    title: "Sign in with your passkey",
    intro: "Your password was right. Use your passkey to finish signing in; the extension completes the sign-in.",
    submit: "Use my passkey",
  },
  script: {
    needsLink: "This page needs the full link from the email. Open the link again, or copy all of it into the address bar.",
    needsExtension: "Open this page from the extension: the link it opens carries what this step needs.",
    confirming: "Confirming…",
    emailConfirmed: "Your email address is confirmed. You can close this page.",
    usernameInvalid: "Type the username you sign in with.",
    passwordTooShort: {
      one: "Choose a password of at least {count} character.",
      other: "Choose a password of at least {count} characters.",
    },
    passwordsDiffer: "The two passwords differ. Type the same password twice.",
    deriving: "Deriving your keys on this device (a few seconds)…",
    passwordChanged: "Your password is changed and every device was signed out. Sign in again with the new password.",
    tickTheBox: "Tick the box to confirm you understand that this cannot be undone.",
    deleting: "Deleting…",
    deleted: "Your account and all its data are deleted. A last message confirms it.",
    undoing: "Undoing the change…",
    undone:
      "The email change is undone and every device is signed out. Choose a new password now: \u201cForgot password?\u201d on the sign-in screen of the Cargo VPN popup sends a link to this address.",
    passkeyCreating: "Follow your browser's prompt to make a passkey…",
    passkeyRegistered: "Your passkey is registered. Signing in will ask for it after your password. You can close this page.",
    passkeyUsing: "Follow your browser's prompt to use your passkey…",
    passkeySignedIn: "Done: the extension is finishing your sign-in. You can close this page.",
    passkeyCancelled: "The browser did not make or use a passkey (cancelled or not available). Try again.",
    invalidToken: "This link is not valid any more: it was already used, it expired, or it was copied incompletely. Ask for a new one.",
    usernameMismatch: "That is not this account's username. Type the name you sign in with.",
    rateLimited: "Too many attempts. Wait a little and try again.",
    rateLimitedWait: "Too many attempts. Try again {wait}.",
    busyWait: "The Cargo VPN service is busy. Try again {wait}.",
    tryAgainNow: "You can try again now.",
    network: "The server could not be reached. Check your connection and try again.",
    validation: "Some details are not valid. Check them and try again.",
    unknown: "Something went wrong. Try again later.",
    invalidTicket: "This passkey link has expired or was already used. Open it again from the extension.",
    invalidChallenge: "This step has expired or was already used. Start again from the extension.",
    invalidPasskey: "The passkey was not accepted. Try again, or use another passkey.",
    passkeyLimit: {
      one: "An account can have at most {count} passkey. Remove one under Account in the Cargo VPN popup first.",
      other: "An account can have at most {count} passkeys. Remove one under Account in the Cargo VPN popup first.",
    },
  },
};
