#!/usr/bin/env node
/**
 * What every root `npm` script calls (`npm start`, `npm test`, `npm run bench`, …).
 * A fresh clone only needs Node 22+ and npm: this fetches the pinned pnpm
 * through npx, installs the locked dependencies when they are missing or
 * stale, then hands over to the workspace. A globally installed pnpm is never
 * used, since a newer one refuses the pinned `packageManager` version.
 *
 * Anything the docs tell a person to run goes through here:
 *   npm run wrangler -- secret put NAME          (wrangler, with this repo's wrangler.toml)
 *   npm run extension -- build:firefox           (a package's own script: worker, gateway, extension)
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withQuietTools } from "./tool-env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// No usage telemetry or update pings from the tools started below (tool-env.mjs); children inherit it.
Object.assign(process.env, withQuietTools(process.env));
const PNPM = "pnpm@10.34.9";

const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(`Cargo VPN needs Node 22 or newer; this is Node ${process.versions.node}.`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const pnpm = (...args) => run("npx", ["--yes", PNPM, ...args]);

function installIfNeeded() {
  const marker = join(root, "node_modules", ".modules.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const status = pnpm("install", "--frozen-lockfile");
  if (status !== 0) process.exit(status);
}

// Unused files, dependencies and exports, and imports of packages a package.json does not list (knip.json).
const knip = () => pnpm("exec", "knip", "--include", "files,dependencies,unlisted,binaries,unresolved,exports");
// No runtime import cycle in any package's source (.madgerc: type-only imports are erased, so they are skipped).
const SOURCES = ["worker/src", "gateway/src", "extension/lib", "extension/entrypoints", "shared/src", "testkit/src"];
const cycles = () => pnpm("exec", "madge", "--circular", "--no-spinner", ...SOURCES);

const [task = "test", ...rest] = process.argv.slice(2);
installIfNeeded();

const tasks = {
  start: () => pnpm("exec", "tsx", "scripts/start.ts", ...rest),
  // Lint and types first (cheap, and a red there is worth knowing even when tests pass), then every
  // package's tests, one package at a time: the suites start real servers and browsers, and CI has two cores.
  test: () => {
    const lint = pnpm("exec", "biome", "check", ".") || knip() || cycles();
    const types = pnpm("-r", "run", "typecheck");
    const tests = pnpm("-r", "--workspace-concurrency=1", "--no-bail", "run", "test", ...rest);
    return tests || lint || types;
  },
  bench: () => pnpm("exec", "tsx", "scripts/bench.ts", ...rest),
  typecheck: () => pnpm("-r", "run", "typecheck"),
  lint: () => pnpm("exec", "biome", "check", ...rest) || knip() || cycles(),
  format: () => pnpm("exec", "biome", "check", "--write", ...rest),
  ops: () => pnpm("exec", "tsx", "scripts/ops.ts", ...rest),
  wrangler: () => pnpm("exec", "wrangler", ...rest),
  worker: () => packageScript("worker"),
  gateway: () => packageScript("gateway"),
  extension: () => packageScript("extension"),
  "gateway:build": () => pnpm("--filter", "@cargo-vpn/gateway", "run", "build", ...rest),
  // Store zips (Chrome, Firefox, AMO sources) for the production API in WXT_API_URL: extension/scripts/zip.mjs.
  "extension:zip": () => pnpm("--filter", "@cargo-vpn/extension", "run", "zip", ...rest),
};

/** `npm run <package> -- <script> [args]`: one of that package's own scripts. */
function packageScript(name) {
  const [script, ...args] = rest;
  if (!script) {
    console.error(`which script? npm run ${name} -- <script>, one of those in ${name}/package.json`);
    return 2;
  }
  return pnpm("--filter", `@cargo-vpn/${name}`, "run", script, ...args);
}

if (!(task in tasks)) {
  console.error(`unknown task "${task}"; one of: ${Object.keys(tasks).join(", ")}`);
  process.exit(2);
}
process.exit(tasks[task]());
