/**
 * `pnpm --filter @cargo-vpn/gateway start`: runs one gateway configured from
 * the environment (see ENV_VARS in config.ts) until SIGINT or SIGTERM, then
 * shuts down gracefully — a second signal exits at once. SIGHUP reads the
 * TLS certificate and key files again (ACME renewals) without dropping
 * open tunnels.
 */
import { ConfigError, configFromEnv, type GatewayConfig } from "./config";
import { startGateway } from "./gateway";
import { createLogger } from "./logger";

const logger = createLogger();

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = configFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gateway: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const gateway = await startGateway({ ...config, logger });
  process.stdout.write(
    `gateway listening on ${config.host}:${gateway.port}${gateway.tlsPort !== undefined ? ` (TLS on ${gateway.tlsPort})` : ""}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info("gateway_stopping", { signal });
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => gateway.reloadTls());
}

main().catch((error) => {
  logger.error("gateway_failed", { error: error instanceof Error ? error.name : "unknown" });
  process.exit(1);
});
