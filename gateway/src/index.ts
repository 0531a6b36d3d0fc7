/**
 * The gateway as a library, for the CLI (main.ts), the local stack script and
 * the end-to-end tests:
 *
 *   import { startGateway } from "@cargo-vpn/gateway";
 *   const gateway = await startGateway({ apiUrl, gatewayId, gatewaySecret, port: 0, allowLoopback: true });
 */
export { startGateway, type GatewayHooks, type RunningGateway } from "./gateway";
export { configFromEnv, resolveConfig, ConfigError, DEFAULTS, ENV_VARS, RENAMED_ENV_VARS } from "./gateway-settings";
export { PROCESS_ENV_VARS } from "./cluster/process-settings";
export { CLOCK_TOLERANCE_SEC } from "./auth/credentials";
export type { GatewayConfig, GatewayConfigInput, TlsInput } from "./gateway-settings";
export { createLogger, memoryLogger, silentLogger, type Logger } from "./logger";
export { classifyAddress, type DestinationClass, type Resolver } from "./policy/destination-policy";
