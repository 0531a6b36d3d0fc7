/**
 * `npm run gateway:build` (or `npm run gateway -- build`):
 * bundles the gateway CLI (src/main.ts with jose, zod and the shared
 * contract) into one ES module that runs with plain `node` — no checkout, no
 * node_modules — and puts the sample systemd unit and environment file
 * beside it:
 *
 *   gateway/dist/cargo-gateway.mjs       node cargo-gateway.mjs
 *   gateway/dist/cargo-gateway.service   systemd unit (deploy/)
 *   gateway/dist/cargo-gateway.env       environment file to fill in (deploy/)
 *
 *   import { buildGateway } from "../scripts/build";
 *   const { bundle } = await buildGateway(outDir);   // the bundle test does this
 */
import { chmodSync, copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE_NAME = "cargo-gateway.mjs";
const DEPLOY_FILES = ["cargo-gateway.service", "cargo-gateway.env"];

export async function buildGateway(outDir = join(root, "dist")): Promise<{ bundle: string; files: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, BUNDLE_NAME);
  await build({
    entryPoints: [join(root, "src", "main.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    // Node built-ins stay imports; everything else is inside the file.
    packages: "bundle",
    legalComments: "inline",
    logLevel: "warning",
    banner: { js: "#!/usr/bin/env node" },
  });
  // Runnable as ./cargo-gateway.mjs too (the banner names node).
  chmodSync(bundle, 0o755);
  const files = [bundle];
  for (const name of DEPLOY_FILES) {
    copyFileSync(join(root, "deploy", name), join(outDir, name));
    files.push(join(outDir, name));
  }
  return { bundle, files };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files } = await buildGateway(process.argv[2]);
  for (const file of files) console.log(`${relative(process.cwd(), file)}  ${(statSync(file).size / 1024).toFixed(1)} KiB`);
}
