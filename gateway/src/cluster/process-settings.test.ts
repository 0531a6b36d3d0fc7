/** GATEWAY_WORKERS and the admin listener settings, their defaults and their limits. */
import { describe, expect, it } from "vitest";
import { processSettingsFromEnv } from "./process-settings";
import { ConfigError } from "../gateway-settings";

describe("processSettingsFromEnv", () => {
  it("defaults to one worker per core and no admin listener", () => {
    expect(processSettingsFromEnv({}, 16)).toEqual({ workers: 16 });
    expect(processSettingsFromEnv({ GATEWAY_WORKERS: "1" }, 16)).toEqual({ workers: 1 });
  });

  it("turns the admin listener on with a port, on loopback unless told otherwise", () => {
    expect(processSettingsFromEnv({ GATEWAY_WORKERS: "2", GATEWAY_ADMIN_PORT: "9090" }, 2)).toEqual({
      workers: 2,
      admin: { host: "127.0.0.1", port: 9090 },
    });
    expect(processSettingsFromEnv({ GATEWAY_ADMIN_PORT: "0", GATEWAY_ADMIN_HOST: "10.0.0.5" }, 2).admin).toEqual({
      host: "10.0.0.5",
      port: 0,
    });
  });

  it("refuses values out of range, naming the variable", () => {
    for (const env of [{ GATEWAY_WORKERS: "0" }, { GATEWAY_WORKERS: "two" }, { GATEWAY_WORKERS: "999" }, { GATEWAY_ADMIN_PORT: "70000" }]) {
      expect(() => processSettingsFromEnv(env, 2)).toThrow(ConfigError);
      expect(() => processSettingsFromEnv(env, 2)).toThrow(Object.keys(env)[0]!);
    }
  });
});
