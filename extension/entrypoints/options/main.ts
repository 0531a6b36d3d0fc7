/** Options page entrypoint: thin, everything lives in lib/ui/options. */
import { browser } from "wxt/browser";
import { call } from "../../lib/ui/messenger";
import { startOptions } from "../../lib/ui/options/options-app";

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = browser.i18n.getMessage("optionsHeading");
void startOptions(document.getElementById("app")!, call);
