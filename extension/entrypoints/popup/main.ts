/** Popup entrypoint: thin, everything lives in lib/ui/popup. */
import { browser } from "wxt/browser";
import { applyLocale } from "../../lib/ui/locale";
import { watchConnection } from "../../lib/messages/connection-feed";
import { call } from "../../lib/ui/messenger";
import { startPopup } from "../../lib/ui/popup/popup-app";

// lang and dir of the translation actually shown (English when the browser's language is not shipped).
applyLocale();
document.title = browser.i18n.getMessage("extName");
startPopup(document.getElementById("app")!, call, {
  openOptions: () => void browser.runtime.openOptionsPage(),
  watchConnection: (listener) => watchConnection(browser.storage.session, listener),
});
