/**
 * The local stack when the API port it chose is taken before wrangler binds it
 * (another suite on the machine got there first): it chooses again and comes
 * up, rather than failing the test that started it. A port a caller gives is
 * never changed (scripts/stack/stack.ts, WORKER_PORT_ATTEMPTS).
 */
import { mkdtemp, rm } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { startStack, type Stack } from "@cargo-vpn/stack";

let state: string;
let taken: net.Server;
let stack: Stack | undefined;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-port-retry-"));
  taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await stack?.stop();
  taken?.close();
  if (state) await rm(state, { recursive: true, force: true });
});

it("starts the API on another port when the one it chose is already bound", async () => {
  const takenPort = (taken.address() as AddressInfo).port;
  const chosen: number[] = [];
  stack = await startStack({
    persistTo: state,
    chooseWorkerPort: async () => {
      const port = chosen.length === 0 ? takenPort : await freePort();
      chosen.push(port);
      return port;
    },
  });
  expect(chosen[0]).toBe(takenPort);
  expect(chosen).toHaveLength(2);
  expect(new URL(stack.apiUrl).port).toBe(String(chosen[1]));
  expect((await fetch(`${stack.apiUrl}/v1/health`)).status).toBe(200);
});
