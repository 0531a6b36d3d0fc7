/**
 * The privacy policy, bundled so the sign-up form can link it without a
 * network request. Its text is the repository's docs/privacy-policy.txt, read
 * at build time: one copy of the policy, shown as written. Its two contact
 * addresses come from the API's configuration (GET /v1/contacts, asked
 * through the background); until they arrive, or when the API cannot be
 * reached, the placeholders say where to find them.
 */
import { fillPolicy } from "@cargo-vpn/shared/policy";
import { browser } from "wxt/browser";
import policy from "../../../docs/privacy-policy.txt?raw";
import { call } from "../../lib/ui/messenger";

// The policy ships in English only: say so, whatever the browser speaks.
document.documentElement.lang = "en";
document.title = browser.i18n.getMessage("privacyPolicyTitle");
const main = document.getElementById("policy")!;

function render(text: string): void {
  const [title, ...paragraphs] = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p, i, all) => p && all.indexOf(p) === i);
  const heading = document.createElement("h1");
  heading.textContent = title ?? "";
  main.replaceChildren(heading);
  for (const paragraph of paragraphs) {
    // Short lines without a full stop are the policy's section titles.
    const element = document.createElement(paragraph.length < 60 && !paragraph.endsWith(".") ? "h2" : "p");
    element.textContent = paragraph;
    main.append(element);
  }
}

const unknown = browser.i18n.getMessage("policyContactUnknown");
render(fillPolicy(policy, { privacyEmail: unknown, abuseEmail: unknown }));
void call("getContacts", undefined).then(
  (contacts) => {
    render(fillPolicy(policy, contacts));
    main.dataset.contacts = "filled";
  },
  () => {
    main.dataset.contacts = "unavailable";
  },
);
