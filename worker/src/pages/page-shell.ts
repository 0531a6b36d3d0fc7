/**
 * The frame of every /account page: one HTML document with its script and
 * style from our own origin, under a strict Content-Security-Policy (no
 * inline script or style, nothing from elsewhere, no framing), never cached,
 * never sending a Referer. Content is static text in the page's language
 * (`lang`, and `dir="rtl"` for Arabic; the style uses logical properties, so
 * it mirrors); nothing from the request is echoed into it. What the page's
 * script says comes in the page as a JSON data block (#page-text), which the
 * CSP does not treat as script: it is never run.
 */
import { type Language, textDirection } from "@cargo-vpn/shared";
import { escapeHtml } from "../http/escape-html";
import type { PageScriptStrings } from "./page-catalogue";

const PAGE_SCRIPT_PATH = "/account/assets/account-page.js";
const PAGE_STYLE_PATH = "/account/assets/account-page.css";

export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

/** JSON that cannot end its <script> element early. */
function dataBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function pageHtml(language: Language, title: string, main: string, needsScript: string, script: PageScriptStrings): string {
  return `<!doctype html>
<html lang="${language}" dir="${textDirection(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Cargo VPN</title>
<link rel="stylesheet" href="${PAGE_STYLE_PATH}">
<script type="application/json" id="page-text">${dataBlock(script)}</script>
<script src="${PAGE_SCRIPT_PATH}" defer></script>
</head>
<body>
<main>
<p class="brand">Cargo VPN</p>
<h1>${escapeHtml(title)}</h1>
${main}
<noscript><p role="alert">${escapeHtml(needsScript)}</p></noscript>
<p id="status" tabindex="-1" aria-live="polite"></p>
</main>
</body>
</html>
`;
}

/** Light and dark follow the system, as the popup's do (its dark palette); every pair meets WCAG AA. */
export const PAGE_STYLE = `*, *::before, *::after { box-sizing: border-box; }
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #fafafa; --field: #fff; --line: #555; --muted: #444; --brand: #2f5d50; --on-brand: #fff; --danger: #8b1a1a; --on-danger: #fff; --bad: #b00020; --focus: #1a56db; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #16191d; --field: #0f1215; --line: #9aa5b1; --muted: #b6c0ca; --brand: #7fd1b9; --on-brand: #0d1b16; --danger: #ff8a80; --on-danger: #2a0a08; --bad: #ff8a80; --focus: #8ab4f8; }
}
html { font-family: system-ui, sans-serif; font-size: 100%; line-height: 1.5; color: var(--fg); background: var(--bg); }
body { margin: 0; padding: 1rem; }
main { max-inline-size: 36rem; margin-inline: auto; }
.brand { font-weight: 700; color: var(--brand); margin-block: 0 0.5rem; margin-inline: 0; }
h1 { font-size: 1.5rem; line-height: 1.25; margin-block: 0 1rem; margin-inline: 0; }
form { display: grid; gap: 0.75rem; margin-block: 1rem; margin-inline: 0; }
label { font-weight: 600; }
.check { display: flex; gap: 0.5rem; align-items: flex-start; font-weight: 400; }
input[type="password"], input[type="text"] { inline-size: 100%; font: inherit; padding: 0.5rem; border: 2px solid var(--line); border-radius: 4px; color: var(--fg); background: var(--field); }
input[aria-invalid="true"] { border-color: var(--bad); }
button { font: inherit; font-weight: 600; padding: 0.6rem 1rem; border: 2px solid var(--brand); border-radius: 4px; background: var(--brand); color: var(--on-brand); cursor: pointer; justify-self: start; max-inline-size: 100%; }
button.danger { background: var(--danger); border-color: var(--danger); color: var(--on-danger); }
button:disabled { opacity: 0.6; cursor: default; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
#status:empty { display: none; }
#status { padding: 0.75rem; border-radius: 4px; border: 2px solid var(--line); background: var(--field); overflow-wrap: anywhere; }
#status[data-kind="error"] { border-color: var(--bad); color: var(--bad); }
#status[data-kind="done"] { border-color: var(--brand); }
.hint { margin: 0; color: var(--muted); font-size: 0.95rem; }
`;
