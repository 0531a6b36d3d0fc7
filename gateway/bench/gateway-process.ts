/**
 * The gateway under benchmark, in its own process so its CPU time and memory
 * can be read apart from the load generator's. Configured from the
 * environment like the CLI; answers IPC messages from throughput.ts:
 *   "stats" → { cpu: process.cpuUsage(), rss, heapUsed, openFlows }   (after a forced GC)
 *   "cpu"   → { cpu: process.cpuUsage() }
 *   "counters" → { cpu, tlsConnectionsH2, tlsConnectionsHttp1 } (no GC: cheap enough to take around each page load)
 */
import { configFromEnv } from "../src/gateway-settings";
import { startGateway } from "../src/gateway";
import { silentLogger } from "../src/logger";

const gateway = await startGateway({ ...configFromEnv(process.env), logger: silentLogger });

process.on("message", (message) => {
  // CPU alone, without the gc() of "stats", so a handshake measurement does not count a forced full GC.
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  else if (message === "stats") {
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    process.send?.({
      cpu: process.cpuUsage(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      openFlows: gateway.stats().openFlows,
    });
  } else if (message === "counters") {
    // TLS connections by negotiated ALPN: what a page load opened (h2.ts).
    const { tlsConnectionsH2, tlsConnectionsHttp1 } = gateway.metrics();
    process.send?.({ cpu: process.cpuUsage(), tlsConnectionsH2, tlsConnectionsHttp1 });
  } else if (message === "close") {
    void gateway.close().then(() => process.exit(0));
  }
});
process.send?.({ ready: true, port: gateway.port, tlsPort: gateway.tlsPort });
