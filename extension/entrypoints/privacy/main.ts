/**
 * The privacy policy, bundled so the sign-up form can link it without a
 * network request. Its text is the repository's docs/privacy-policy.txt, read
 * at build time: one copy of the policy, shown as written.
 */
import { browser } from "wxt/browser";
import policy from "../../../docs/privacy-policy.txt?raw";

// The policy ships in English only: say so, whatever the browser speaks.
document.documentElement.lang = "en";
document.title = browser.i18n.getMessage("privacyPolicyTitle");
const [title, ...paragraphs] = policy
  .split(/\n\s*\n/)
  .map((p) => p.trim())
  .filter((p, i, all) => p && all.indexOf(p) === i);
const main = document.getElementById("policy")!;
const heading = document.createElement("h1");
heading.textContent = title ?? "";
main.append(heading);
for (const text of paragraphs) {
  // Short lines without a full stop are the policy's section titles.
  const element = document.createElement(text.length < 60 && !text.endsWith(".") ? "h2" : "p");
  element.textContent = text;
  main.append(element);
}
