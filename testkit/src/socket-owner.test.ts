/** socketOwner names the process that opened a connection: this one, a child, neither, or none left (closed first). */
import { spawn } from "node:child_process";
import { once } from "node:events";
import net, { type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type SocketOwner, socketOwner } from "./socket-owner.ts";

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
    const owners: SocketOwner[] = [];
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

  it("says closed, not another process, for a peer that closed before the accepted socket was looked at", async () => {
    // What a browser's cancelled load does: the gateway connects, writes the request and closes before the site accepts.
    let accept!: (socket: Socket) => void;
    const accepted = new Promise<Socket>((resolve) => (accept = resolve));
    const server = net.createServer({ pauseOnConnect: true }, accept);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const client = net.connect(port, "127.0.0.1");
    await once(client, "connect");
    client.write("GET / HTTP/1.1\r\n\r\n", () => client.destroy());
    await once(client, "close");
    // Looked at after the peer closed, whether it was accepted before or after: the kernel keeps the FIN_WAIT socket, no owner.
    const socket = await accepted;
    expect(socketOwner(socket, [process.pid])).toBe("closed");
    socket.destroy();
  });
});
