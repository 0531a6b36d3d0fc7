/** The mails in English: the source every translation follows (same keys, same placeholders). */
import type { MailCatalogue } from "../catalogue";

export const en: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { one: "{count} device", other: "{count} devices" },
  verify: {
    subject: "Confirm your email address for Cargo VPN",
    paragraphs: [
      "Open this link to confirm that this address belongs to your Cargo VPN account:",
      "{link}",
      "The link works once and expires in 24 hours. If you did not ask for this, ignore this message.",
    ],
  },
  reset: {
    subject: "Choose a new Cargo VPN password",
    paragraphs: [
      "Someone (hopefully you) asked to reset the password of the Cargo VPN account with this address. Open this link to choose a new one:",
      "{link}",
      "The link works once and expires in 1 hour. Every device will be signed out. If you did not ask for this, ignore this message: nothing changes.",
    ],
  },
  deletion: {
    subject: "Confirm the deletion of your Cargo VPN account",
    paragraphs: [
      "Someone (hopefully you) asked to delete the Cargo VPN account with this address and every piece of data about it. Open this link to confirm:",
      "{link}",
      "Nothing is deleted until you confirm on that page. The link works once and expires in 1 hour. If you did not ask for this, ignore this message.",
    ],
  },
  newDevice: {
    subject: "New sign-in to your Cargo VPN account",
    paragraphs: [
      "A device signed in to your Cargo VPN account:\n\nDevice: {device} ({kind})\nTime: {time}",
      "The device name is what the device called itself. Cargo VPN never puts links or instructions in it.",
      "If this was you, there is nothing to do. If it was not, change your password and remove the device under Devices in the Cargo VPN popup (the toolbar button).",
      "You can turn these messages off under Account in the Cargo VPN popup: \u201cEmail me when a new device signs in\u201d.",
    ],
  },
  passwordChanged: {
    subject: "Your Cargo VPN password was changed",
    paragraphs: [
      "The password of your Cargo VPN account was changed on {time}, and the other devices were signed out.",
      "If you did not do this, reset your password right away: \u201cForgot password?\u201d on the sign-in screen of the Cargo VPN popup sends a link here.",
    ],
  },
  emailChanged: {
    subject: "The email address of your Cargo VPN account was changed",
    paragraphs: [
      "The email address of your Cargo VPN account was changed on {time}: the new address confirmed it. Messages now go there.",
      "If you did not do this, open the link in our earlier message about this change: for 3 days after it was asked for, it undoes the change and signs every device out.",
    ],
  },
  emailChangeRequested: {
    subject: "Your Cargo VPN account's email address is about to change",
    paragraphs: [
      "On {time} someone signed in to your Cargo VPN account asked to move it to a new email address. Nothing changes until the new address confirms it; until then messages still come here.",
      "If this was not you, open this link. It cancels the change, or undoes it if the new address confirmed it already, and signs every device out:",
      "{link}",
      "The link works once and for 3 days. Then change your password (\u201cForgot password?\u201d on the sign-in screen sends a link here).",
    ],
  },
  emailChangeUndone: {
    subject: "The email change of your Cargo VPN account was undone",
    paragraphs: [
      "On {time} the change of your Cargo VPN account's email address was undone with the link we sent here, and every device was signed out. Messages come to this address again.",
      "Choose a new password now: \u201cForgot password?\u201d on the sign-in screen sends a link here.",
    ],
  },
  accountDeleted: {
    subject: "Your Cargo VPN account was deleted",
    paragraphs: [
      "Your Cargo VPN account and everything stored about it were deleted on {time}. Its encryption key was destroyed, so no copy can be read.",
      "This is the last message you will get from us. Thank you for using Cargo VPN.",
    ],
  },
  planChanged: {
    subject: "Your Cargo VPN plan is now {plan}",
    paragraphs: [
      "Your Cargo VPN account is now on the {plan} plan: up to {devices} at a time.",
      "{stay} If you did not expect this change, check your subscription under Account in the Cargo VPN popup.",
    ],
  },
  planStay: "Devices already signed in stay signed in.",
  planStayUntil:
    "Devices already signed in stay signed in until {until}. Then the {devices} used most recently keep their places and the others are signed out. To choose which stay, remove devices under Devices in the Cargo VPN popup before then.",
  twoFactorEnabled: {
    subject: "Two-factor sign-in is on for your Cargo VPN account",
    paragraphs: [
      "Two-factor sign-in was turned on for your Cargo VPN account on {time}. From now on, signing in needs your password and a code from your authenticator app (or one of your recovery codes).",
      "Keep your recovery codes somewhere safe: each one signs in once if you lose the app.",
      "If you did not do this, reset your password right away: \u201cForgot password?\u201d on the sign-in screen of the Cargo VPN popup sends a link here.",
    ],
  },
  twoFactorDisabled: {
    subject: "Two-factor sign-in is off for your Cargo VPN account",
    paragraphs: [
      "Two-factor sign-in was turned off for your Cargo VPN account on {time}. Signing in needs only your password now, and your recovery codes no longer work.",
      "If you did not do this, reset your password right away (\u201cForgot password?\u201d on the sign-in screen of the Cargo VPN popup) and turn two-factor sign-in on again.",
    ],
  },
  recoveryCodeUsed: {
    subject: "A recovery code was used to sign in to your Cargo VPN account",
    paragraphs: [
      "A recovery code was used in place of an authenticator code to sign in to your Cargo VPN account:\n\nDevice: {device} ({kind})\nTime: {time}\nRecovery codes left: {codesLeft}",
      "That code will not work again. If this was not you, change your password and replace your recovery codes under Account in the Cargo VPN popup.",
    ],
  },
  passkeyAdded: {
    subject: "A passkey was added to your Cargo VPN account",
    paragraphs: [
      "A passkey was registered for your Cargo VPN account on {time}. It can now finish a sign-in in place of a code.",
      "If you did not do this, remove it under Account in the Cargo VPN popup and change your password right away.",
    ],
  },
  passkeyRemoved: {
    subject: "A passkey was removed from your Cargo VPN account",
    paragraphs: [
      "A passkey was removed from your Cargo VPN account on {time}; it no longer signs in.",
      "If you did not do this, change your password right away.",
    ],
  },
};
