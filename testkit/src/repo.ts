/**
 * Where the kit finds the repository's pieces on disk: the checkout's root
 * (its `.dev.vars`, node_modules) and the extension it builds for browsers.
 *
 *   readFileSync(join(REPO_ROOT, ".dev.vars")); execFileSync(wxt, ["build"], { cwd: EXTENSION_DIR })
 */
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const EXTENSION_DIR = fileURLToPath(new URL("../../extension", import.meta.url));
