/**
 * Every command the docs tell a person to run works with Node and npm alone.
 * A global pnpm newer than the pinned one refuses this workspace, so the docs
 * never say `pnpm …`: root tasks go through `npm run <task>`, a package's own
 * scripts through `npm run <package> -- <script>` (scripts/run.mjs), and the
 * only pnpm they name is the pinned one through npx. This reads every tracked
 * Markdown file and code comment that shows a command, and checks each one
 * against the scripts that really exist.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES_BY_TASK: Record<string, string> = { worker: "worker", gateway: "gateway", extension: "extension" };
const PACKAGES = [".", "shared", "worker", "gateway", "extension", "testkit", "test"];

function scriptsOf(dir: string): Record<string, string> {
  return (JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
}

const pinnedPnpm = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { packageManager: string }).packageManager;

/** Where a person reads commands: every tracked Markdown file, and the TypeScript/JS files' comments and printed hints. */
function documents(): { file: string; text: string }[] {
  const files = execFileSync("git", ["ls-files", "*.md", "*.ts", "*.mjs", "*.toml"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !f.endsWith("pnpm-lock.yaml") && !f.includes("/generated/") && f !== "test/docs-commands.test.ts");
  return files.map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));
}

interface Command {
  where: string;
  words: string[];
}

/** Commands that start with npm, npx or pnpm (after any VAR=value prefix), wherever a line shows one. */
function commands(): Command[] {
  const found: Command[] = [];
  for (const { file, text } of documents()) {
    text.split("\n").forEach((line, i) => {
      for (const match of line.matchAll(/(?:^|[`\s(*:])((?:[A-Z_]+=\S+\s+)*(?:npm|npx|pnpm)\s[^`#;)]*)/g)) {
        const words = match[1]!
          .trim()
          .replace(/["',]+$/, "")
          .split(/\s+/)
          .filter((w) => !/^[A-Z_]+=/.test(w));
        if (words[0] === "npm" && !["run", "start", "test", "install", "i", "ci"].includes(words[1] ?? "")) continue; // prose: "npm alone"
        found.push({ where: `${file}:${i + 1}`, words });
      }
    });
  }
  return found;
}

describe("commands in the docs", () => {
  const all = commands();
  const rootScripts = scriptsOf(".");

  it("finds the commands (the scan itself works)", () => {
    expect(all.length).toBeGreaterThan(40);
    expect(all.some((c) => c.words.join(" ") === "npm run wrangler -- secret put NAME")).toBe(true);
  });

  it("never ask for a global pnpm", () => {
    // "pnpm" followed by a flag, one of its commands or any package's script; not prose ("pnpm is never used").
    const verbs = new Set(["exec", "run", "install", "i", "add", "dlx", "update", ...PACKAGES.flatMap((p) => Object.keys(scriptsOf(p)))]);
    const bare = all
      .filter((c) => c.words[0] === "pnpm" && (c.words[1]?.startsWith("-") || verbs.has(c.words[1] ?? "")))
      .map((c) => `${c.where}: ${c.words.join(" ")}`);
    expect(bare).toEqual([]);
  });

  it("fetch only the pinned pnpm through npx", () => {
    const wrong = all
      .filter((c) => c.words[0] === "npx")
      .map((c) => ({ ...c, tool: c.words.find((w, i) => i > 0 && !w.startsWith("-")) ?? "" }))
      .filter((c) => c.tool.startsWith("pnpm") && c.tool !== pinnedPnpm)
      .map((c) => `${c.where}: ${c.words.join(" ")}`);
    expect(wrong).toEqual([]);
  });

  it("name root tasks and package scripts that exist", () => {
    const missing: string[] = [];
    for (const c of all.filter((c) => c.words[0] === "npm" && c.words[1] === "run")) {
      const [task, separator, script] = c.words.slice(2);
      if (!task || /^[<$]/.test(task)) continue; // a placeholder in a usage line
      if (!(task in rootScripts)) {
        missing.push(`${c.where}: no root script "${task}"`);
        continue;
      }
      const pkg = PACKAGES_BY_TASK[task];
      if (pkg && separator === "--" && script && !script.startsWith("<") && !(script in scriptsOf(pkg))) {
        missing.push(`${c.where}: ${pkg}/package.json has no script "${script}"`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("npm run <package> -- <script> and npm run wrangler -- <args>", () => {
  it("runs the package's own script through the pinned pnpm, with its arguments", () => {
    // With --check the page-script build only compares; without it, it would write the file and say so.
    const out = execFileSync("npm", ["run", "worker", "--", "build:pages", "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("build-page-script.ts --check");
    expect(out).not.toContain("wrote");
  });

  it("passes its arguments to wrangler", () => {
    const out = execFileSync("npm", ["run", "--silent", "wrangler", "--", "--version"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toMatch(/\d+\.\d+\.\d+/);
  });

  it("says which scripts exist when none is named", () => {
    let failed: { status: number; stderr: string } | null = null;
    try {
      execFileSync("npm", ["run", "--silent", "gateway"], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      failed = error as { status: number; stderr: string };
    }
    expect(failed?.status).toBe(2);
    expect(failed?.stderr).toContain("npm run gateway -- <script>");
  });
});
