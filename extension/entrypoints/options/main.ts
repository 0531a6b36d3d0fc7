/** Options page entrypoint: thin, everything lives in lib/ui/options. */
import { browser } from "wxt/browser";
import { applyLocale } from "../../lib/ui/locale";
import { type DataConsentPermissions, requestDataConsent, revokeDataConsent } from "../../lib/ui/data-consent";
import { call } from "../../lib/ui/messenger";
import { startOptions } from "../../lib/ui/options/options-app";

// lang and dir of the translation actually shown (English when the browser's language is not shipped).
applyLocale();
document.title = browser.i18n.getMessage("optionsHeading");
const permissions = browser.permissions as unknown as DataConsentPermissions;
void startOptions(
  document.getElementById("app")!,
  call,
  import.meta.env.FIREFOX ? { request: () => requestDataConsent(permissions), revoke: () => revokeDataConsent(permissions) } : undefined,
);
