/**
 * Running the repository's wrangler from Node scripts: applying D1
 * migrations, executing SQL against the local (or remote) database, and
 * starting `wrangler dev` as a child process.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bindable } from "@cargo-vpn/testkit/free-port";
import { withQuietTools } from "../tool-env.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const DATABASE = "cargo-vpn";

export interface Target {
  /** Where local D1 and Durable Object state live; wrangler's default (.wrangler/state) when absent. */
  persistTo?: string;
  /** Act on the deployed database instead of the local one. */
  remote?: boolean;
}

function targetFlags(target: Target): string[] {
  if (target.remote) return ["--remote"];
  return ["--local", ...(target.persistTo ? ["--persist-to", target.persistTo] : [])];
}

function wranglerSync(args: string[]): string {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: withQuietTools({ ...process.env, CI: "true" }),
  });
  if (result.status !== 0) throw new Error(`wrangler ${args[0]} ${args[1]} failed:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

export function applyMigrations(target: Target = {}): void {
  wranglerSync(["d1", "migrations", "apply", DATABASE, ...targetFlags(target)]);
}

/**
 * Runs SQL and returns the rows of its last statement. Locally, a read or write that meets the running
 * worker's write lock (SQLITE_BUSY: the statement did not run) is tried again, a moment later.
 */
export function executeSql<T = Record<string, unknown>>(sql: string, target: Target = {}): T[] {
  let out: string;
  for (let attempt = 0; ; attempt++) {
    try {
      out = wranglerSync(["d1", "execute", DATABASE, ...targetFlags(target), "--json", "--command", sql]);
      break;
    } catch (error) {
      if (target.remote || attempt >= 8 || !String((error as Error).message).includes("SQLITE_BUSY")) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * (attempt + 1));
    }
  }
  const parsed = JSON.parse(out.slice(out.indexOf("["))) as { results: T[] }[];
  return parsed.at(-1)?.results ?? [];
}

export interface WorkerProcess {
  url: string;
  /** wrangler's process; workerd runs as its child (benchmarks read their CPU time). */
  pid: number;
  /** Every line the worker printed: tests read them to prove nothing private is logged. */
  logs: string[];
  stop(): Promise<void>;
}

/** How long one health probe of a starting wrangler may take before it is asked again. */
const HEALTH_ANSWER_MS = 5_000;

export async function startWorker(options: {
  port: number;
  persistTo?: string;
  vars?: Record<string, string>;
  /** Sees each output line first; a line it returns true for is not kept in `logs` (the local mail collector). */
  onLine?: (line: string) => boolean;
}): Promise<WorkerProcess> {
  const args = [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(options.port), "--show-interactive-dev-session=false"];
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: withQuietTools({ ...process.env, NO_COLOR: "1" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let partial = "";
  const collect = (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (!options.onLine?.(line) && line) logs.push(line);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  // Until wrangler says it is ready, whatever answers on the port is another process's (one that took the
  // port first): asking it could hang or, worse, pass. wrangler then exits with "Address already in use".
  const ready = () => logs.some((line) => line.includes(`Ready on ${url}`));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${logs.join("\n")}`);
    if (ready()) {
      try {
        const res = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(HEALTH_ANSWER_MS) });
        if (res.ok) break;
      } catch {}
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`wrangler dev did not answer on ${url} within 60 s:\n${logs.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    pid: child.pid!,
    logs,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      // wrangler can exit a moment before its workerd child lets go of the port; a restart on the same
      // port (the key-rotation e2e, as a deploy would) then met "Address already in use".
      const deadline = Date.now() + 20_000;
      while (!(await bindable(options.port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    },
  };
}
