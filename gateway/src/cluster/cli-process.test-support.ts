/**
 * The gateway CLI (`src/main.ts`) as operators run it, started for a test
 * against a fake API: the environment of a loopback test gateway plus `env`,
 * resolved once it prints its admin port. The cluster tests share it.
 *
 *   const gateway = await startCli(api, { GATEWAY_WORKERS: "2" }, cleanup);
 *   gateway.port, gateway.tlsPort, gateway.adminPort, gateway.stderr(), gateway.child.kill("SIGTERM")
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeApi } from "@cargo-vpn/testkit/fake-api";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface CliGateway {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** The TLS listener's port, when GATEWAY_TLS_PORT was given. */
  tlsPort: number | undefined;
  /** The http/1.1-only TLS listener's port, when GATEWAY_TLS_HTTP1_PORT was given. */
  tlsHttp1Port: number | undefined;
  adminPort: number;
  stdout: () => string;
  stderr: () => string;
}

/** Starts the CLI with 2 workers and the admin listener on; `cleanup` gets the step that kills it. */
export async function startCli(api: FakeApi, env: Record<string, string>, cleanup: Array<() => unknown>): Promise<CliGateway> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      CARGO_API_URL: api.url,
      CARGO_GATEWAY_ID: api.gatewayId,
      CARGO_GATEWAY_SECRET: api.secret,
      GATEWAY_PORT: "0",
      GATEWAY_ALLOW_LOOPBACK: "true",
      GATEWAY_FLUSH_MS: "600000",
      GATEWAY_HEARTBEAT_MS: "600000",
      GATEWAY_SHUTDOWN_GRACE_MS: "100",
      GATEWAY_WORKERS: "2",
      GATEWAY_ADMIN_PORT: "0",
      ...env,
    },
  });
  cleanup.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  while (!/admin listening on .*:(\d+)/.test(stdout)) {
    const [event] = await Promise.race([once(child.stdout, "data").then(() => ["data"]), once(child, "exit").then(() => ["exit"])]);
    if (event === "exit") throw new Error(`gateway exited: ${stderr}`);
  }
  const tls = /TLS on (\d+)/.exec(stdout);
  const http1 = /TLS http\/1\.1 only on (\d+)/.exec(stdout);
  return {
    child,
    port: Number(/gateway listening on .*:(\d+)/.exec(stdout)![1]),
    tlsPort: tls ? Number(tls[1]) : undefined,
    tlsHttp1Port: http1 ? Number(http1[1]) : undefined,
    adminPort: Number(/admin listening on .*:(\d+)/.exec(stdout)![1]),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
