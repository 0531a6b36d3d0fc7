import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configFromEnv, ConfigError, DEFAULTS, ENV_VARS, RENAMED_ENV_VARS, renamedEnvWarnings, resolveConfig } from "./gateway-settings";

const base = { CARGO_API_URL: "http://127.0.0.1:8787/", CARGO_GATEWAY_ID: "gw-1", CARGO_GATEWAY_SECRET: "s3cret" };

describe("configFromEnv", () => {
  it("fills defaults and trims the API URL", () => {
    const config = configFromEnv(base);
    expect(config).toMatchObject({
      apiUrl: "http://127.0.0.1:8787",
      gatewayId: "gw-1",
      host: "127.0.0.1",
      port: DEFAULTS.port,
      allowLoopback: false,
      flushIntervalMs: 5000,
      heartbeatIntervalMs: 5000,
    });
    expect(config.tls).toBeUndefined();
  });

  it("reads every documented variable", () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-config-"));
    writeFileSync(join(dir, "c.pem"), "CERT");
    writeFileSync(join(dir, "k.pem"), "KEY");
    const config = configFromEnv({
      ...base,
      GATEWAY_HOST: "0.0.0.0",
      GATEWAY_PORT: "0",
      GATEWAY_TLS_PORT: "8443",
      GATEWAY_TLS_CERT: join(dir, "c.pem"),
      GATEWAY_TLS_KEY: join(dir, "k.pem"),
      GATEWAY_TLS_H2: "true",
      GATEWAY_ALLOW_LOOPBACK: "true",
      GATEWAY_FLUSH_MS: "1000",
      GATEWAY_HEARTBEAT_MS: "2000",
      GATEWAY_MAX_FLOWS_PER_SESSION: "12",
      GATEWAY_IDLE_TIMEOUT_MS: "30000",
    });
    rmSync(dir, { recursive: true });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 0,
      allowLoopback: true,
      flushIntervalMs: 1000,
      heartbeatIntervalMs: 2000,
      maxFlowsPerSession: 12,
      idleTimeoutMs: 30000,
    });
    expect(config.tls?.port).toBe(8443);
    expect(String(config.tls?.cert)).toBe("CERT");
    expect(config.tls?.h2).toBe(true);
  });

  it("reads a renamed variable's old name for one release, and names it for the start-up warning", () => {
    const old = { ...base, GATEWAY_MAX_CONNECTIONS_PER_SESSION: "7" };
    expect(configFromEnv(old).maxFlowsPerSession).toBe(7);
    expect(renamedEnvWarnings(old)).toEqual([{ old: "GATEWAY_MAX_CONNECTIONS_PER_SESSION", new: "GATEWAY_MAX_FLOWS_PER_SESSION" }]);
    expect(configFromEnv({ ...old, GATEWAY_MAX_FLOWS_PER_SESSION: "7" }).maxFlowsPerSession).toBe(7);
    expect(renamedEnvWarnings({ ...base, GATEWAY_MAX_FLOWS_PER_SESSION: "7" })).toEqual([]);
    expect(Object.values(RENAMED_ENV_VARS).every((name) => name in ENV_VARS)).toBe(true);
  });

  it("reads GATEWAY_TLS_HTTP1_PORT; h2 is on by default beside it and off without it, and GATEWAY_TLS_H2 wins either way", () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-config-"));
    writeFileSync(join(dir, "c.pem"), "CERT");
    writeFileSync(join(dir, "k.pem"), "KEY");
    const tls = { ...base, GATEWAY_TLS_PORT: "8443", GATEWAY_TLS_CERT: join(dir, "c.pem"), GATEWAY_TLS_KEY: join(dir, "k.pem") };
    try {
      const both = configFromEnv({ ...tls, GATEWAY_TLS_HTTP1_PORT: "8444" }).tls;
      expect(both).toMatchObject({ port: 8443, http1Port: 8444, h2: true });
      expect(configFromEnv(tls).tls).toMatchObject({ http1Port: undefined, h2: false });
      expect(configFromEnv({ ...tls, GATEWAY_TLS_HTTP1_PORT: "8444", GATEWAY_TLS_H2: "false" }).tls?.h2).toBe(false);
      expect(configFromEnv({ ...tls, GATEWAY_TLS_H2: "true" }).tls?.h2).toBe(true);
      expect(ENV_VARS.GATEWAY_TLS_HTTP1_PORT).toBe("tls.http1Port");
      for (const [value, message] of [
        ["8443", "tls.http1Port must differ from tls.port"],
        [String(DEFAULTS.port), "tls.http1Port must differ from port"],
        ["70000", "tls.http1Port must be an integer from 0 to 65535"],
        ["x", "GATEWAY_TLS_HTTP1_PORT must be a whole number"],
      ]) {
        expect(() => configFromEnv({ ...tls, GATEWAY_TLS_HTTP1_PORT: value })).toThrow(ConfigError);
        expect(() => configFromEnv({ ...tls, GATEWAY_TLS_HTTP1_PORT: value })).toThrow(message);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.each([
    [{ GATEWAY_MAX_CONNECTIONS_PER_SESSION: "7", GATEWAY_MAX_FLOWS_PER_SESSION: "9" }, "set only GATEWAY_MAX_FLOWS_PER_SESSION"],
    [{ GATEWAY_TLS_HTTP1_PORT: "8444" }, "GATEWAY_TLS_HTTP1_PORT needs GATEWAY_TLS_PORT"],
    [{ CARGO_API_URL: "" }, "CARGO_API_URL is required"],
    [{ CARGO_GATEWAY_SECRET: undefined }, "CARGO_GATEWAY_SECRET is required"],
    [{ CARGO_API_URL: "ftp://x" }, "apiUrl must be an http(s) URL"],
    [{ CARGO_API_URL: "not a url" }, "apiUrl must be an absolute http(s) URL"],
    [{ GATEWAY_PORT: "80a" }, "GATEWAY_PORT must be a whole number"],
    [{ GATEWAY_PORT: "70000" }, "port must be an integer from 0 to 65535"],
    [{ GATEWAY_FLUSH_MS: "0" }, "flushIntervalMs must be an integer from 50"],
    [{ GATEWAY_ALLOW_LOOPBACK: "maybe" }, "GATEWAY_ALLOW_LOOPBACK must be true or false"],
    [{ GATEWAY_TLS_PORT: "0", GATEWAY_TLS_H2: "on" }, "GATEWAY_TLS_H2 must be true or false"],
    [{ GATEWAY_TLS_PORT: "8443" }, "GATEWAY_TLS_CERT is required when GATEWAY_TLS_PORT is set"],
    [{ GATEWAY_TLS_PORT: "8443", GATEWAY_TLS_CERT: "/nonexistent", GATEWAY_TLS_KEY: "/nonexistent" }, "cannot read"],
  ])("refuses %o with a message naming the setting", (overrides, message) => {
    expect(() => configFromEnv({ ...base, ...overrides })).toThrow(ConfigError);
    expect(() => configFromEnv({ ...base, ...overrides })).toThrow(message);
  });
});

describe("resolveConfig", () => {
  const identity = { apiUrl: "http://x", gatewayId: "g", gatewaySecret: "s" };
  const pem = { cert: "CERT", key: "KEY" };

  it("decides tls.h2: on beside tls.http1Port, off without it, unless given", () => {
    expect(resolveConfig({ ...identity, tls: { port: 0, ...pem } }).tls?.h2).toBe(false);
    expect(resolveConfig({ ...identity, tls: { port: 0, http1Port: 0, ...pem } }).tls?.h2).toBe(true);
    expect(resolveConfig({ ...identity, tls: { port: 0, http1Port: 0, h2: false, ...pem } }).tls?.h2).toBe(false);
    expect(resolveConfig({ ...identity, tls: { port: 0, h2: true, ...pem } }).tls?.h2).toBe(true);
  });

  it("refuses a tls.http1Port that is another listener's port; 0 (a free one each) is no collision", () => {
    const config = (port: number, tlsPort: number, http1Port: number) =>
      resolveConfig({ ...identity, port, tls: { port: tlsPort, http1Port, ...pem } });
    expect(() => config(8080, 8443, 8443)).toThrow(new ConfigError("tls.http1Port must differ from tls.port, both are 8443"));
    expect(() => config(8080, 8443, 8080)).toThrow(new ConfigError("tls.http1Port must differ from port, both are 8080"));
    expect(() => config(8080, 8443, -1)).toThrow("tls.http1Port must be an integer from 0 to 65535");
    expect(config(0, 0, 0).tls?.http1Port).toBe(0);
    expect(config(8080, 8443, 8444).tls?.http1Port).toBe(8444);
  });

  it("needs the identity fields and checks limits", () => {
    expect(() => resolveConfig({ apiUrl: "http://x", gatewayId: "", gatewaySecret: "s" })).toThrow("gatewayId is required");
    expect(() => resolveConfig({ apiUrl: "http://x", gatewayId: "g", gatewaySecret: "s", maxFlowsPerSession: 0 })).toThrow(
      "maxFlowsPerSession",
    );
  });
});
