/** Popup entrypoint: thin, everything lives in lib/ui/popup. */
import { browser } from "wxt/browser";
import { watchConnection } from "../../lib/messages/connection-feed";
import { call } from "../../lib/ui/messenger";
import { startPopup } from "../../lib/ui/popup/popup-app";

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = browser.i18n.getMessage("extName");
startPopup(document.getElementById("app")!, call, {
  openOptions: () => void browser.runtime.openOptionsPage(),
  watchConnection: (listener) => watchConnection(browser.storage.session, listener),
});
