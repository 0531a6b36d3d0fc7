/**
 * Every message the service sends, as subject + plain text + a simple HTML
 * part. No images, no tracking pixels, no tracked or shortened links: the
 * only link is the one the message is for, pointing at our own /account page.
 * Device labels are the only user-supplied text and are escaped in HTML.
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

/** A time as people read it in a mail ("Wednesday, 2 December 2026 at 16:44 UTC"), not an ISO stamp. */
export function mailTime(atMs: number): string {
  return `${new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" }).format(atMs)} UTC`;
}

export function newDeviceMessage(device: { kind: DeviceKind; label: string }, atMs: number): MessageContent {
  return compose("New sign-in to your Cargo VPN account", [
    `A device signed in to your Cargo VPN account:\n\nDevice: ${device.label} (${device.kind})\nTime: ${mailTime(atMs)}`,
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
    `The email address of your Cargo VPN account was changed at ${new Date(atMs).toISOString()}. Messages now go to the new address; this is the last one sent here.`,
    "If you did not do this, sign in and change it back, then change your password.",
  ]);
}

export function accountDeletedMessage(atMs: number): MessageContent {
  return compose("Your Cargo VPN account was deleted", [
    `Your Cargo VPN account and everything stored about it were deleted at ${new Date(atMs).toISOString()}. Its encryption key was destroyed, so no copy can be read.`,
    "This is the last message you will get from us. Thank you for using Cargo VPN.",
  ]);
}

export function planChangedMessage(plan: { name: string; maxDevices: number }): MessageContent {
  return compose(`Your Cargo VPN plan is now ${plan.name}`, [
    `Your Cargo VPN account is now on the ${plan.name} plan: up to ${plan.maxDevices} ${plan.maxDevices === 1 ? "device" : "devices"} at a time.`,
    "Devices already signed in stay signed in. If you did not expect this change, check your subscription in the extension.",
  ]);
}
