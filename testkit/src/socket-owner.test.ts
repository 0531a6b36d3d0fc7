/** socketOwner names the process that opened a connection: this one, a child, or neither. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import net, { type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { socketOwner } from "./socket-owner.ts";

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(onSocket: (socket: Socket) => void): Promise<number> {
  const server = net.createServer(onSocket);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe.runIf(process.platform === "linux")("socketOwner", () => {
  it("finds this process, a child process, and neither", async () => {
    const owners: Array<number | null> = [];
    let childPid = -1;
    const seen: Promise<void>[] = [];
    let done!: () => void;
    const each = () => new Promise<void>((resolve) => (done = resolve));
    const port = await listen((socket) => {
      owners.push(socketOwner(socket, [process.pid, childPid]));
      socket.destroy();
      done();
    });
    seen.push(each());
    const mine = net.connect(port, "127.0.0.1");
    await seen[0];
    mine.destroy();

    const child = spawn(process.execPath, ["-e", `const s=require("net").connect(${port},"127.0.0.1");s.on("close",()=>process.exit(0));`]);
    childPid = child.pid!;
    await each();
    await once(child, "exit");
    expect(owners).toEqual([process.pid, childPid]);

    // A process not in the list (the child, when we do not name it) is null.
    const other = spawn(process.execPath, ["-e", `const s=require("net").connect(${port},"127.0.0.1");s.on("close",()=>process.exit(0));`]);
    const unnamed = each();
    childPid = -1;
    await unnamed;
    await once(other, "exit");
    expect(owners[2]).toBeNull();
  });
});
