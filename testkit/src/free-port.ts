/**
 * A loopback port nobody is listening on right now, for a server that another
 * process (wrangler, a gateway child) binds a few seconds later.
 *
 * Chosen below the kernel's ephemeral range (Linux: 32768–60999), not with
 * listen(0): a port taken from that range is free only until some outgoing
 * connection on the machine is given it as its local port, and while a
 * second suite runs beside this one that happened during wrangler's start
 * ("Address already in use"). Here only another suite's own pick can collide,
 * and the probe below skips any port that is taken.
 */
import { createServer } from "node:net";

const LOW = 20_000;
const HIGH = 32_000;

/** Whether a server could bind this loopback port now (it is closed again before this resolves). */
export function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free loopback port between ${LOW} and ${HIGH}`);
}
