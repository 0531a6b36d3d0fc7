/**
 * Well-known proxies the gateway bench measures beside the gateway, when the
 * machine has them: squid from Debian (`apt-get install squid`), on a plain
 * port and on an `https_port` with the bench's self-signed certificate, and
 * tinyproxy (`apt-get install tinyproxy`). Each runs in the foreground as a
 * child process, so its CPU time can be read from /proc like the gateway's.
 *
 *   const squid = await startSquid(dir, certPath, keyPath);   // null when /usr/sbin/squid is absent
 *   squid.port, squid.tlsPort, await squid.cpuSeconds(); squid.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { freePort } from "@cargo-vpn/testkit/free-port";

export const SQUID = "/usr/sbin/squid";
export const TINYPROXY = "/usr/bin/tinyproxy";

export interface AnchorProxy {
  port: number;
  tlsPort?: number;
  /** user + system CPU seconds the proxy has used so far */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds of a process from /proc/<pid>/stat (utime + stime). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds used so far by a process and every descendant still running (cluster workers, a browser's processes), from /proc. */
export function processTreeCpuSeconds(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    return processCpuSeconds(pid) + children.reduce((sum, child) => sum + processTreeCpuSeconds(child), 0);
  } catch {
    return 0;
  }
}

async function waitForPort(port: number, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const probe = net.connect({ host: "127.0.0.1", port }, () => {
        probe.destroy();
        resolve(true);
      });
      probe.on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start`);
}

function anchor(child: ChildProcess, port: number, tlsPort?: number): AnchorProxy {
  return {
    port,
    tlsPort,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * squid with no cache and no logs (what a forward proxy does per byte, and
 * nothing more), allowing CONNECT to any port like the gateway with loopback
 * allowed. Started as root it drops to its own user, so its files must be
 * readable by that user.
 */
export async function startSquid(dir: string, certPath: string, keyPath: string): Promise<AnchorProxy | null> {
  if (!existsSync(SQUID)) return null;
  const squidDir = join(dir, "squid");
  mkdirSync(squidDir, { recursive: true });
  const [port, tlsPort] = [await freePort(), await freePort()];
  const config = join(squidDir, "squid.conf");
  writeFileSync(
    config,
    `${[
      `http_port 127.0.0.1:${port}`,
      `https_port 127.0.0.1:${tlsPort} tls-cert=${certPath} tls-key=${keyPath}`,
      "http_access allow all",
      "cache deny all",
      "cache_mem 0 MB",
      "access_log none",
      "cache_store_log none",
      "cache_log /dev/null",
      "pid_filename none",
      `coredump_dir ${squidDir}`,
      "shutdown_lifetime 0 seconds",
      "max_filedescriptors 4096",
    ].join("\n")}\n`,
  );
  for (const path of [dir, squidDir]) chmodSync(path, 0o755);
  for (const path of [config, certPath, keyPath]) chmodSync(path, 0o644);
  const child = spawn(SQUID, ["-N", "-f", config], { stdio: "ignore" });
  await waitForPort(tlsPort, child, "squid");
  await waitForPort(port, child, "squid");
  return anchor(child, port, tlsPort);
}

export async function startTinyproxy(dir: string): Promise<AnchorProxy | null> {
  if (!existsSync(TINYPROXY)) return null;
  const port = await freePort();
  const config = join(dir, "tinyproxy.conf");
  writeFileSync(
    config,
    `${[`Port ${port}`, "Listen 127.0.0.1", "Timeout 600", "MaxClients 1000", "Allow 127.0.0.1", "LogLevel Critical"].join("\n")}\n`,
  );
  const child = spawn(TINYPROXY, ["-d", "-c", config], { stdio: "ignore" });
  await waitForPort(port, child, "tinyproxy");
  return anchor(child, port);
}
