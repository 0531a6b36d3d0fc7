/**
 * The tools the scripts start report nothing about the developer by default
 * (scripts/tool-env.mjs): wrangler's usage telemetry is off through
 * wrangler.toml alone and again through the environment scripts/run.mjs and
 * scripts/stack/wrangler.ts give it, which also turns off wrangler's crash
 * reports and the npm, pnpm and web-ext update pings. Asked of the real
 * wrangler (`wrangler telemetry status`) with every opt-out of the caller's
 * own environment removed, and with a wrangler config folder of its own, so
 * a developer's global `wrangler telemetry disable` cannot make it pass.
 *
 * How the other tools were checked (their installed code): WXT, vitest,
 * esbuild, biome, knip, drizzle-kit and playwright-core hold no telemetry or
 * update check on the paths the scripts use (WXT fetches from GitHub only for
 * `wxt init`, vitest's OpenTelemetry is opt-in); web-ext's update-notifier is
 * what NO_UPDATE_NOTIFIER turns off.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { QUIET_TOOL_ENV } from "../scripts/tool-env.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const configHome = mkdtempSync(join(tmpdir(), "cargo-wrangler-config-"));
afterAll(() => rmSync(configHome, { recursive: true, force: true }));

/** The caller's environment without any opt-out it may already carry, and a fresh wrangler config folder. */
function bareEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: "1" };
  for (const name of Object.keys(QUIET_TOOL_ENV)) delete env[name];
  return env;
}

function telemetryStatus(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: ROOT, env: bareEnv(), encoding: "utf8", timeout: 90_000 });
  const out = `${result.stdout}${result.stderr}`;
  const status = /Status: (Enabled|Disabled)(?: \(set by ([^)]+)\))?/.exec(out);
  if (!status) throw new Error(`no telemetry status in:\n${out}`);
  return status[2] ? `${status[1]} (${status[2]})` : status[1]!;
}

describe("wrangler telemetry", () => {
  it("is off through wrangler.toml alone", () => {
    expect(readFileSync(join(ROOT, "wrangler.toml"), "utf8")).toMatch(/^send_metrics = false$/m);
    const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
    expect(telemetryStatus(process.execPath, [wrangler, "telemetry", "status"])).toBe("Disabled (wrangler config)");
  });

  it("is off for `npm run wrangler -- …` through the environment scripts/run.mjs gives every tool", () => {
    expect(telemetryStatus(process.execPath, ["scripts/run.mjs", "wrangler", "telemetry", "status"])).toBe("Disabled (DO_NOT_TRACK)");
  });
});

describe("the quiet environment", () => {
  it("turns off wrangler's metrics, crash reports and local trace store, and the update pings of npm, pnpm and web-ext", () => {
    expect(QUIET_TOOL_ENV).toEqual({
      DO_NOT_TRACK: "1",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      NO_UPDATE_NOTIFIER: "1",
      npm_config_update_notifier: "false",
      X_LOCAL_OBSERVABILITY: "false",
    });
  });

  it("is given to every wrangler the local stack starts (the tests run the stack without scripts/run.mjs too)", () => {
    const stack = readFileSync(join(ROOT, "scripts", "stack", "wrangler.ts"), "utf8");
    expect(stack.match(/\bspawn(?:Sync)?\(/g)).toHaveLength(2);
    expect(stack.match(/env: withQuietTools\(/g)).toHaveLength(2);
  });
});
