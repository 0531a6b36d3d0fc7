/**
 * Which process opened a loopback connection: given the server side of an
 * accepted TCP connection, finds the client side in /proc/net/tcp{,6} (its
 * local port is the server's remote port) and the process among `pids` that
 * holds it as a file descriptor. How a test proves that a page's connection
 * came out of one gateway process and not another, or not from the browser
 * (direct): the origin cannot be fooled by what the request says.
 *
 *   origin = await startPageOrigin({ onConnection: (s) => owners.push(socketOwner(s, [process.pid, gateway2.pid])) });
 *   // each entry: the pid that owns the peer socket, null (a process not in the list: the browser),
 *   // or "closed": the peer had closed its socket before we looked, and the kernel no longer ties it to a process
 *
 * Linux only; call it while the connection is open. "closed" is not a pass: a
 * test that sees one has a connection it cannot attribute (a load the browser
 * cancelled while the gateway was connecting, say) and should remove the
 * cause, not the check.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Socket } from "node:net";

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");

/** Inode of the socket whose local port is `local` and remote port `remote`, or null. */
function peerInode(local: number, remote: number): string | null {
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (cols[1]!.endsWith(`:${hexPort(local)}`) && cols[2]!.endsWith(`:${hexPort(remote)}`)) return cols[9]!;
    }
  }
  return null;
}

function holds(pid: number, inode: string): boolean {
  const wanted = `socket:[${inode}]`;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === wanted) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** Who owns the client side of an accepted connection: a pid among the watched, null for another process, or "closed". */
export type SocketOwner = number | null | "closed";

/** The pid among `pids` that owns the client side of `socket` (an accepted connection), null, or "closed". */
export function socketOwner(socket: Socket, pids: readonly number[]): SocketOwner {
  const inode = socket.remotePort && socket.localPort ? peerInode(socket.remotePort, socket.localPort) : null;
  // A socket its process has closed (FIN_WAIT, TIME_WAIT) stays in the table with inode 0 until the kernel is done with it.
  if (inode === null || inode === "0") return "closed";
  return pids.find((pid) => holds(pid, inode)) ?? null;
}
