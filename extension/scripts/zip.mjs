#!/usr/bin/env node
/**
 * Store packages: the Chrome Web Store zip, the addons.mozilla.org zip and
 * the sources zip AMO asks for, built as store builds (WXT_STORE_BUILD=true:
 * no API URL field, the production API only), then `web-ext lint` on the
 * Firefox zip itself, warnings as errors.
 *
 *   WXT_API_URL=https://api.example.com npm run extension:zip   # from the repository root
 *
 * The version is extension/package.json's "version" (WXT puts it in both
 * manifests and the file names). CARGO_EXT_OUT_DIR moves the output
 * (default .output/). Prints the three paths.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import JSZip from "jszip";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules/.bin", name);

const apiUrl = process.env.WXT_API_URL ?? "";
let parsed;
try {
  parsed = new URL(apiUrl);
} catch {
  fail("WXT_API_URL must be set to the production API (https://…) for a store build.");
}
if (parsed.protocol !== "https:") fail(`WXT_API_URL must be https for a store build, not ${parsed.protocol}`);

const outDir = process.env.CARGO_EXT_OUT_DIR ?? join(root, ".output");
const env = { ...process.env, WXT_STORE_BUILD: "true", WXT_API_URL: apiUrl };
run(bin("wxt"), ["zip"], env);
run(bin("wxt"), ["zip", "-b", "firefox"], env);

const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const zips = {
  chrome: join(outDir, `cargo-vpn-${version}-chrome.zip`),
  firefox: join(outDir, `cargo-vpn-${version}-firefox.zip`),
  sources: join(outDir, `cargo-vpn-${version}-sources.zip`),
};

// Lint what AMO will receive: the zip's own contents, not the build folder it came from.
const unpacked = mkdtempSync(join(tmpdir(), "cargo-amo-lint-"));
try {
  const archive = await JSZip.loadAsync(readFileSync(zips.firefox));
  for (const [name, entry] of Object.entries(archive.files)) {
    if (entry.dir) continue;
    mkdirSync(dirname(join(unpacked, name)), { recursive: true });
    writeFileSync(join(unpacked, name), await entry.async("nodebuffer"));
  }
  run(bin("web-ext"), ["lint", "--source-dir", unpacked, "--warnings-as-errors", "--no-config-discovery"], process.env);
} finally {
  rmSync(unpacked, { recursive: true, force: true });
}
console.log(JSON.stringify(zips, null, 2));

function run(command, args, runEnv) {
  const result = spawnSync(command, args, { cwd: root, env: runEnv, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) fail(`${command.split("/").at(-1)} ${args.join(" ")} failed (${result.status ?? result.signal})`);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
