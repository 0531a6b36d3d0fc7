/**
 * The gateway as a library, for the CLI (main.ts), the local stack script and
 * the end-to-end tests:
 *
 *   import { startGateway } from "@cargo-vpn/gateway";
 *   const gateway = await startGateway({ apiUrl, gatewayId, gatewaySecret, port: 0, allowLoopback: true });
 */
export { startGateway, type GatewayHooks, type RunningGateway } from "./gateway";
export { configFromEnv, resolveConfig, ConfigError, DEFAULTS, ENV_VARS, RENAMED_ENV_VARS } from "./config";
export { PROCESS_ENV_VARS } from "./cluster-config";
export { CLOCK_TOLERANCE_SEC } from "./credentials";
export type { GatewayConfig, GatewayConfigInput, TlsInput } from "./config";
export { createLogger, memoryLogger, silentLogger, type Logger } from "./logger";
export { classifyAddress, type DestinationClass, type Resolver } from "./destination-policy";
