/**
 * The CLI as operators run it: configured from the environment, carrying
 * traffic, and on SIGTERM sending the counted bytes before it exits.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { startFakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin } from "@cargo-vpn/testkit/origin";
import { proxiedRequest } from "@cargo-vpn/testkit/proxy-client";

/** The JSON log lines among a process's output (the listening announcements are plain text). */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

it("runs from the environment and flushes usage on SIGTERM", async () => {
  const api = await startFakeApi();
  const origin = await startOrigin();
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
      GATEWAY_SHUTDOWN_GRACE_MS: "100",
      // An operator's env file from before the rename still works, and says so.
      GATEWAY_MAX_CONNECTIONS_PER_SESSION: "64",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  while (!/listening on .*:(\d+)/.test(stdout)) await once(child.stdout, "data");
  const port = Number(/listening on .*:(\d+)/.exec(stdout)![1]);

  const auth = await api.proxyAuthorization("s-cli");
  const response = await proxiedRequest({ port, auth, url: `http://127.0.0.1:${origin.port}/bytes/4321` });
  expect(response.body.length).toBe(4321);
  await origin.idle();
  expect(api.usageRequests).toHaveLength(0);

  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  const renamed = logLines(stdout + stderr).filter((line) => line.event === "config_name_renamed");
  expect(renamed).toEqual([
    expect.objectContaining({ level: "warn", old: "GATEWAY_MAX_CONNECTIONS_PER_SESSION", new: "GATEWAY_MAX_FLOWS_PER_SESSION" }),
  ]);
  expect(api.totals("s-cli")).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
  await api.close();
  await origin.close();
});
