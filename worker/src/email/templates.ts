/**
 * Every message the service sends, as subject + plain text + a simple HTML
 * part, in the account's language (the texts are in locales/, one file per
 * language; catalogue.ts fills them in). No images, no tracking pixels, no
 * tracked or shortened links: the only link is the one the message is for,
 * pointing at our own /account page. Device labels are the only
 * user-supplied text: escaped in HTML, and defanged in both parts
 * (defangLabel) so no mail client renders a link someone typed into a label
 * under our signature.
 *
 *   verifyEmailMessage("de", link)   // German subject, text and HTML (lang="de")
 */
import { type DeviceKind, type Language, textDirection } from "@cargo-vpn/shared";
import { escapeHtml } from "../http/escape-html";
import { plural } from "../i18n/format";
import { fill, mailTime, type MessageKey } from "./catalogue";
import { CATALOGUES } from "./locales";

export { mailTime } from "./catalogue";

export interface MessageContent {
  subject: string;
  text: string;
  html: string;
}

/** Builds both parts from the language's text for `key`; the "{link}" paragraph becomes a link in HTML. */
function compose(language: Language, key: MessageKey, values: Record<string, string> = {}): MessageContent {
  const catalogue = CATALOGUES[language];
  const source = catalogue[key];
  const { subject, paragraphs } = fill(source, values);
  const text = [...paragraphs, catalogue.signature].join("\n\n");
  const body = paragraphs
    .map((p, i) =>
      source.paragraphs[i] === "{link}"
        ? `<p dir="ltr"><a href="${escapeHtml(p)}">${escapeHtml(p)}</a></p>`
        : `<p>${escapeHtml(p).replaceAll("\n", "<br>")}</p>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html lang="${language}" dir="${textDirection(language)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
${body}
<p>${escapeHtml(catalogue.signature)}</p>
</body></html>`;
  return { subject, text, html };
}

export function verifyEmailMessage(language: Language, link: string): MessageContent {
  return compose(language, "verify", { link });
}

export function passwordResetMessage(language: Language, link: string): MessageContent {
  return compose(language, "reset", { link });
}

export function deletionLinkMessage(language: Language, link: string): MessageContent {
  return compose(language, "deletion", { link });
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

export function newDeviceMessage(language: Language, device: { kind: DeviceKind; label: string }, atMs: number): MessageContent {
  return compose(language, "newDevice", { device: defangLabel(device.label), kind: device.kind, time: mailTime(atMs, language) });
}

export function passwordChangedMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "passwordChanged", { time: mailTime(atMs, language) });
}

export function emailChangedMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "emailChanged", { time: mailTime(atMs, language) });
}

export function emailChangeRequestedMessage(language: Language, undoLink: string, atMs: number): MessageContent {
  return compose(language, "emailChangeRequested", { link: undoLink, time: mailTime(atMs, language) });
}

export function emailChangeUndoneMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "emailChangeUndone", { time: mailTime(atMs, language) });
}

export function accountDeletedMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "accountDeleted", { time: mailTime(atMs, language) });
}

export function planChangedMessage(
  language: Language,
  plan: { name: string; maxDevices: number },
  graceUntil: number | null = null,
): MessageContent {
  const catalogue = CATALOGUES[language];
  const devices = plural(language, catalogue.devices, plan.maxDevices);
  const values = { plan: plan.name, devices };
  const stay = graceUntil === null ? catalogue.planStay : catalogue.planStayUntil;
  return compose(language, "planChanged", {
    ...values,
    stay: stay.replace("{until}", mailTime(graceUntil ?? 0, language)).replace("{devices}", devices),
  });
}

// ---------- two-factor sign-in (issue 18) ----------

export function twoFactorEnabledMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "twoFactorEnabled", { time: mailTime(atMs, language) });
}

export function twoFactorDisabledMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "twoFactorDisabled", { time: mailTime(atMs, language) });
}

export function recoveryCodeUsedMessage(
  language: Language,
  device: { kind: DeviceKind; label: string },
  codesLeft: number,
  atMs: number,
): MessageContent {
  return compose(language, "recoveryCodeUsed", {
    device: defangLabel(device.label),
    kind: device.kind,
    time: mailTime(atMs, language),
    codesLeft: new Intl.NumberFormat(language).format(codesLeft),
  });
}

// --- passkeys (issue 18 item 3) ---
export function passkeyAddedMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "passkeyAdded", { time: mailTime(atMs, language) });
}

export function passkeyRemovedMessage(language: Language, atMs: number): MessageContent {
  return compose(language, "passkeyRemoved", { time: mailTime(atMs, language) });
}
