/**
 * `npm run gateway -- start`: runs one gateway configured from
 * the environment (see ENV_VARS in gateway-settings.ts and PROCESS_ENV_VARS in
 * cluster/process-settings.ts) until SIGINT or SIGTERM, then shuts down gracefully — a
 * second signal exits at once.
 *
 * With GATEWAY_WORKERS=1 it is one process; otherwise this file runs as the
 * cluster primary (cluster-primary.ts) and again as each worker
 * (cluster-worker.ts). With GATEWAY_ADMIN_PORT set, /healthz and /metrics
 * are served there (admin-server.ts), for the whole gateway. SIGHUP reads the
 * TLS certificate and key files again (ACME renewals) without dropping open
 * tunnels, in every worker.
 */
import cluster from "node:cluster";
import { startAdminServer } from "./admin/admin-server";
import { processSettingsFromEnv, type ProcessSettings } from "./cluster/process-settings";
import { runPrimary } from "./cluster/cluster-primary";
import { runWorker, workerIndex } from "./cluster/cluster-worker";
import { ConfigError, configFromEnv, type GatewayConfig, renamedEnvWarnings } from "./gateway-settings";
import { startGateway } from "./gateway";
import { createLogger, withFields } from "./logger";
import { renderMetrics } from "./admin/metrics-text";

const logger = createLogger();

function readSettings(): { config: GatewayConfig; settings: ProcessSettings } {
  try {
    return { config: configFromEnv(process.env), settings: processSettingsFromEnv(process.env) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gateway: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Runs `close` on the first SIGINT/SIGTERM and exits with its outcome; a second signal exits at once. */
function stopOnSignals(close: () => Promise<boolean>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info("gateway_stopping", { signal });
    close().then(
      (clean) => process.exit(clean ? 0 : 1),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** The lines scripts wait for: the proxy's port first, then the admin listener's. */
function announce(
  config: GatewayConfig,
  settings: ProcessSettings,
  ports: { port: number; tlsPort?: number; tlsHttp1Port?: number; adminPort?: number },
): void {
  const http1 = ports.tlsHttp1Port !== undefined ? `, TLS http/1.1 only on ${ports.tlsHttp1Port}` : "";
  const tls = ports.tlsPort !== undefined ? ` (TLS on ${ports.tlsPort}${http1})` : "";
  const many = settings.workers > 1 ? `, ${settings.workers} workers` : "";
  process.stdout.write(`gateway listening on ${config.host}:${ports.port}${tls}${many}\n`);
  if (settings.admin && ports.adminPort !== undefined) {
    process.stdout.write(`admin listening on http://${settings.admin.host}:${ports.adminPort}\n`);
  }
}

async function runSingle(config: GatewayConfig, settings: ProcessSettings): Promise<void> {
  const gateway = await startGateway({ ...config, logger });
  let stopping = false;
  const admin = settings.admin
    ? await startAdminServer({
        ...settings.admin,
        metrics: async () => renderMetrics(gateway.metrics()),
        healthy: () => !stopping,
        refusingNewFlows: () => gateway.refusingNewFlows(),
      })
    : undefined;
  announce(config, settings, { port: gateway.port, tlsPort: gateway.tlsPort, tlsHttp1Port: gateway.tlsHttp1Port, adminPort: admin?.port });
  // Certificate renewals (ACME hooks): new handshakes get the new certificate, open tunnels stay.
  process.on("SIGHUP", () => gateway.reloadTls());
  stopOnSignals(async () => {
    stopping = true;
    await gateway.close();
    await admin?.close();
    return true;
  });
}

async function main(): Promise<void> {
  const { config, settings } = readSettings();
  if (cluster.isPrimary) {
    for (const renamed of renamedEnvWarnings(process.env)) {
      logger.warn("config_name_renamed", { old: renamed.old, new: renamed.new, until: "the next release reads only the new name" });
    }
  }
  if (settings.workers === 1) return runSingle(config, settings);
  if (cluster.isWorker) return runWorker(config, withFields(logger, { worker: workerIndex() }));
  const primary = await runPrimary(config, settings, logger);
  announce(config, settings, primary);
  stopOnSignals(() => primary.close());
}

main().catch((error) => {
  logger.error("gateway_failed", { error: error instanceof Error ? error.name : "unknown" });
  process.exit(1);
});
