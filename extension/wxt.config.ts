/**
 * WXT build configuration for Chrome (MV3) and Firefox (MV2).
 *
 *   npm run extension -- build                      # .output/chrome-mv3
 *   npm run extension -- build:firefox              # .output/firefox-mv2
 *   WXT_API_URL=http://127.0.0.1:8787 npm run extension -- build   # default API base URL baked in
 *   CARGO_EXT_OUT_DIR=/tmp/x npm run extension -- build             # build somewhere else than .output/
 *   WXT_API_URL=https://api… npm run extension:zip             # store zips (scripts/zip.mjs): Chrome, Firefox, AMO sources
 *
 * Development builds can change the API base URL at run time in the options
 * page; store builds (WXT_STORE_BUILD=true, set by the zip script) cannot.
 * The version is package.json's, nowhere else.
 */
import { defineConfig } from "wxt";
import { zodWithoutEvalProbe } from "./scripts/zod-without-eval-probe";

export default defineConfig({
  // The real-browser smoke test builds into its own directory so it never
  // overwrites .output/ with a build pointed at its throwaway local API.
  ...(process.env.CARGO_EXT_OUT_DIR ? { outDir: process.env.CARGO_EXT_OUT_DIR } : {}),
  // Explicit imports everywhere: a reader should see where each name comes from.
  imports: false,
  // The background parses API answers with the shared zod schemas; keep zod's eval probe out of the bundle (see the plugin).
  vite: () => ({ plugins: [zodWithoutEvalProbe()] }),
  zip: {
    artifactTemplate: "cargo-vpn-{{version}}-{{browser}}.zip",
    sourcesTemplate: "cargo-vpn-{{version}}-sources.zip",
    // AMO rebuilds the add-on from these: the extension and the workspace package it imports, with the lockfile.
    sourcesRoot: "..",
    includeSources: [
      "extension/**",
      "shared/**",
      "package.json",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "tsconfig.base.json",
      "scripts/run.mjs",
      "docs/privacy-policy.txt",
    ],
    excludeSources: ["**/node_modules/**", "**/.output/**", "**/.wxt/**", "**/*.test.ts", "extension/tests/**"],
  },
  manifest: ({ browser }) => ({
    name: "__MSG_extName__",
    description: "__MSG_extDescription__",
    default_locale: "en",
    permissions: [
      "proxy",
      "privacy",
      "storage",
      "alarms",
      "webRequest",
      // Chrome answers proxy 407s only through asyncBlocking with this permission;
      // Firefox MV2 uses "webRequestBlocking" for the same.
      ...(browser === "firefox" ? ["webRequestBlocking"] : ["webRequestAuthProvider"]),
      // Chrome: rules that hold traffic from the first request of a browser start (proxy/startup-block-rules.ts).
      ...(browser === "firefox" ? [] : ["declarativeNetRequest"]),
    ],
    host_permissions: ["<all_urls>"],
    action: { default_title: "__MSG_extName__" },
    // The VPN on or off from the keyboard (lib/background/toggle-command.ts); people can rebind it.
    commands: {
      "toggle-vpn": { suggested_key: { default: "Alt+Shift+V" }, description: "__MSG_toggleCommand__" },
    },
    ...(browser === "firefox"
      ? {
          browser_specific_settings: {
            gecko: {
              id: "extension@cargovpn.dev",
              // data_collection_permissions (Mozilla's consent declaration) exists from 140, the current ESR.
              strict_min_version: "140.0",
              // Required: the account (username, and the email given at sign-up). Optional: the opt-in
              // technical telemetry (connection type, outcome), asked for when the user turns it on.
              data_collection_permissions: {
                required: ["authenticationInfo", "personallyIdentifyingInfo"],
                optional: ["technicalAndInteraction"],
              },
            },
            gecko_android: { strict_min_version: "142.0" },
          },
        }
      : {}),
  }),
});
