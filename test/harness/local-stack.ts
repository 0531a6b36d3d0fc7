/**
 * One local stack per test file, on a throwaway state folder, with the
 * gateway's log captured and a byte-counting origin beside it:
 *
 *   const env = useLocalStack();   // at the top of a test file
 *   ... env.stack.apiUrl, env.origin.port, env.gatewayLog.lines, env.state ...
 *
 * or the stack with the extension built for it, loaded in Chromium:
 *
 *   const env = useStackInChromium("billing");
 *   const popup = await env.browser.openPopup();
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger } from "@cargo-vpn/gateway";
import { afterAll, beforeAll } from "vitest";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { type StackOptions, startStack, type Stack } from "@cargo-vpn/stack";

/** Gateway heartbeat and flush period in the end-to-end tests. */
export const INTERVAL_MS = 500;

export interface LocalStack {
  state: string;
  stack: Stack;
  origin: Origin;
  gatewayLog: ReturnType<typeof memoryLogger>;
}

export function useLocalStack(options: Omit<StackOptions, "persistTo" | "gatewayLogger"> = {}): LocalStack {
  const env = { gatewayLog: memoryLogger() } as LocalStack;
  beforeAll(async () => {
    env.state = await mkdtemp(join(tmpdir(), "cargo-e2e-"));
    env.stack = await startStack({
      allowLoopback: true,
      gatewayIntervalMs: INTERVAL_MS,
      ...options,
      persistTo: env.state,
      gatewayLogger: env.gatewayLog.logger,
    });
    env.origin = await startOrigin();
  });
  afterAll(async () => {
    await env.origin?.close();
    await env.stack?.stop();
    if (env.state) await rm(env.state, { recursive: true, force: true });
  });
  return env;
}

export interface StackInChromium {
  state: string;
  stack: Stack;
  browser: Browser;
}

/**
 * A stack on a throwaway state folder and a Chromium profile with the extension built for that stack's API;
 * `browserArgs`: more Chromium switches (`--lang=de` for a German browser).
 */
export function useStackInChromium(
  name: string,
  options: Omit<StackOptions, "persistTo"> = {},
  browserArgs: string[] = [],
): StackInChromium {
  const env = {} as StackInChromium;
  let profile: string | undefined;
  beforeAll(async () => {
    env.state = await mkdtemp(join(tmpdir(), `cargo-${name}-e2e-`));
    profile = await mkdtemp(join(tmpdir(), `cargo-${name}-profile-`));
    env.stack = await startStack({ ...options, persistTo: env.state });
    env.browser = await launchBrowser(profile, buildExtension(env.stack.apiUrl, join(env.state, "extension")), browserArgs);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.stop();
    for (const dir of [env.state, profile]) if (dir) await rm(dir, { recursive: true, force: true });
  });
  return env;
}
