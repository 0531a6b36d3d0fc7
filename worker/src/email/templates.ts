/**
 * Every message the service sends, as subject + plain text + a simple HTML
 * part. No images, no tracking pixels, no tracked or shortened links: the
 * only link is the one the message is for, pointing at our own /account page.
 * Device labels are the only user-supplied text: escaped in HTML, and
 * defanged in both parts (defangLabel) so no mail client renders a link
 * someone typed into a label under our signature.
 */
import type { DeviceKind } from "@cargo-vpn/shared";

export interface MessageContent {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = "— Cargo VPN";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Builds both parts from paragraphs; a paragraph that is a URL becomes a link in HTML. */
function compose(subject: string, paragraphs: string[]): MessageContent {
  const text = [...paragraphs, SIGNATURE].join("\n\n");
  const body = paragraphs
    .map((p) =>
      /^https?:\/\/\S+$/.test(p)
        ? `<p><a href="${escapeHtml(p)}">${escapeHtml(p)}</a></p>`
        : `<p>${escapeHtml(p).replaceAll("\n", "<br>")}</p>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
${body}
<p>${escapeHtml(SIGNATURE)}</p>
</body></html>`;
  return { subject, text, html };
}

export function verifyEmailMessage(link: string): MessageContent {
  return compose("Confirm your email address for Cargo VPN", [
    "Open this link to confirm that this address belongs to your Cargo VPN account:",
    link,
    "The link works once and expires in 24 hours. If you did not ask for this, ignore this message.",
  ]);
}

export function passwordResetMessage(link: string): MessageContent {
  return compose("Choose a new Cargo VPN password", [
    "Someone (hopefully you) asked to reset the password of the Cargo VPN account with this address. Open this link to choose a new one:",
    link,
    "The link works once and expires in 1 hour. Every device will be signed out. If you did not ask for this, ignore this message: nothing changes.",
  ]);
}

export function deletionLinkMessage(link: string): MessageContent {
  return compose("Confirm the deletion of your Cargo VPN account", [
    "Someone (hopefully you) asked to delete the Cargo VPN account with this address and every piece of data about it. Open this link to confirm:",
    link,
    "Nothing is deleted until you confirm on that page. The link works once and expires in 1 hour. If you did not ask for this, ignore this message.",
  ]);
}

/** Dots a mail client may read as a host name's (ASCII, ideographic, fullwidth, halfwidth). */
const HOST_DOTS = /[.\u3002\uff0e\uff61](?=[^\s\d.\u3002\uff0e\uff61])/g;

/**
 * A device label as mail may show it: no scheme (`https:`, `mailto:`), no
 * address (`@`) and no host name (`evil.example`) survives as such, so no
 * client turns it into a live link. "Firefox 128.0" reads the same.
 */
export function defangLabel(label: string): string {
  return label
    .replace(/[:\uff1a]/g, "[:]")
    .replace(/[@\uff20]/g, "[@]")
    .replace(HOST_DOTS, "[.]");
}

/** A time as people read it in a mail ("Wednesday, 2 December 2026 at 16:44 UTC"), not an ISO stamp. */
export function mailTime(atMs: number): string {
  return `${new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" }).format(atMs)} UTC`;
}

export function newDeviceMessage(device: { kind: DeviceKind; label: string }, atMs: number): MessageContent {
  return compose("New sign-in to your Cargo VPN account", [
    `A device signed in to your Cargo VPN account:\n\nDevice: ${defangLabel(device.label)} (${device.kind})\nTime: ${mailTime(atMs)}`,
    "The device name is what the device called itself. Cargo VPN never puts links or instructions in it.",
    "If this was you, there is nothing to do. If it was not, change your password and remove the device under Devices in the Cargo VPN popup (the toolbar button).",
    "You can turn these messages off under Account in the Cargo VPN popup: \u201cEmail me when a new device signs in\u201d.",
  ]);
}

export function passwordChangedMessage(atMs: number): MessageContent {
  return compose("Your Cargo VPN password was changed", [
    `The password of your Cargo VPN account was changed at ${new Date(atMs).toISOString()}, and the other devices were signed out.`,
    "If you did not do this, reset your password from the extension's sign-in page right away.",
  ]);
}

export function emailChangedMessage(atMs: number): MessageContent {
  return compose("The email address of your Cargo VPN account was changed", [
    `The email address of your Cargo VPN account was changed at ${new Date(atMs).toISOString()}: the new address confirmed it. Messages now go there.`,
    "If you did not do this, open the link in our earlier message about this change: for 3 days after it was asked for, it undoes the change and signs every device out.",
  ]);
}

export function emailChangeRequestedMessage(undoLink: string, atMs: number): MessageContent {
  return compose("Your Cargo VPN account's email address is about to change", [
    `At ${new Date(atMs).toISOString()} someone signed in to your Cargo VPN account asked to move it to a new email address. Nothing changes until the new address confirms it; until then messages still come here.`,
    "If this was not you, open this link. It cancels the change, or undoes it if the new address confirmed it already, and signs every device out:",
    undoLink,
    "The link works once and for 3 days. Then change your password (Forgot password? on the sign-in page sends a link here).",
  ]);
}

export function emailChangeUndoneMessage(atMs: number): MessageContent {
  return compose("The email change of your Cargo VPN account was undone", [
    `At ${new Date(atMs).toISOString()} the change of your Cargo VPN account's email address was undone with the link we sent here, and every device was signed out. Messages come to this address again.`,
    "Choose a new password now: Forgot password? on the sign-in page sends a link here.",
  ]);
}

export function accountDeletedMessage(atMs: number): MessageContent {
  return compose("Your Cargo VPN account was deleted", [
    `Your Cargo VPN account and everything stored about it were deleted at ${new Date(atMs).toISOString()}. Its encryption key was destroyed, so no copy can be read.`,
    "This is the last message you will get from us. Thank you for using Cargo VPN.",
  ]);
}

export function planChangedMessage(plan: { name: string; maxDevices: number }, graceUntil: number | null = null): MessageContent {
  const devices = `${plan.maxDevices} ${plan.maxDevices === 1 ? "device" : "devices"}`;
  const stay =
    graceUntil === null
      ? "Devices already signed in stay signed in."
      : `Devices already signed in stay signed in until ${new Date(graceUntil).toISOString()}. Then the ${devices} used most recently keep their places and the others are signed out. To choose which stay, remove devices in the extension's device list before then.`;
  return compose(`Your Cargo VPN plan is now ${plan.name}`, [
    `Your Cargo VPN account is now on the ${plan.name} plan: up to ${devices} at a time.`,
    `${stay} If you did not expect this change, check your subscription in the extension.`,
  ]);
}

// ---------- two-factor sign-in (issue 18) ----------

export function twoFactorEnabledMessage(atMs: number): MessageContent {
  return compose("Two-factor sign-in is on for your Cargo VPN account", [
    `Two-factor sign-in was turned on for your Cargo VPN account at ${new Date(atMs).toISOString()}. From now on, signing in needs your password and a code from your authenticator app (or one of your recovery codes).`,
    "Keep your recovery codes somewhere safe: each one signs in once if you lose the app.",
    "If you did not do this, reset your password from the extension's sign-in page right away.",
  ]);
}

export function twoFactorDisabledMessage(atMs: number): MessageContent {
  return compose("Two-factor sign-in is off for your Cargo VPN account", [
    `Two-factor sign-in was turned off for your Cargo VPN account at ${new Date(atMs).toISOString()}. Signing in needs only your password now, and your recovery codes no longer work.`,
    "If you did not do this, reset your password from the extension's sign-in page right away and turn two-factor sign-in on again.",
  ]);
}

export function recoveryCodeUsedMessage(device: { kind: DeviceKind; label: string }, codesLeft: number, atMs: number): MessageContent {
  return compose("A recovery code was used to sign in to your Cargo VPN account", [
    `A recovery code was used in place of an authenticator code to sign in to your Cargo VPN account:\n\nDevice: ${defangLabel(device.label)} (${device.kind})\nTime: ${new Date(atMs).toISOString()}\nRecovery codes left: ${codesLeft}`,
    "That code will not work again. If this was not you, change your password and replace your recovery codes in the extension's account settings.",
  ]);
}

// --- passkeys (issue 18 item 3) ---
export function passkeyAddedMessage(atMs: number): MessageContent {
  return compose("A passkey was added to your Cargo VPN account", [
    `A passkey was registered for your Cargo VPN account at ${new Date(atMs).toISOString()}. It can now finish a sign-in in place of a code.`,
    "If you did not do this, remove it in the extension's account settings and change your password right away.",
  ]);
}

export function passkeyRemovedMessage(atMs: number): MessageContent {
  return compose("A passkey was removed from your Cargo VPN account", [
    `A passkey was removed from your Cargo VPN account at ${new Date(atMs).toISOString()}; it no longer signs in.`,
    "If you did not do this, change your password right away.",
  ]);
}
