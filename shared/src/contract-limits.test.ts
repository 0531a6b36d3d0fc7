import { describe, expect, it } from "vitest";
import { MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS } from "./proxy-credentials";
import { DeviceLimitDetails, Id, MAX_ID_CHARS, SessionIdParam, StartSessionRequest } from "./schemas";

describe("limits the gateway and the extension take from the contract", () => {
  it("MAX_ID_CHARS is the id schema's own limit, so a change there moves every user of it", () => {
    expect(MAX_ID_CHARS).toBe(Id.maxLength);
    expect(Id.safeParse("s".repeat(MAX_ID_CHARS)).success).toBe(true);
    expect(Id.safeParse("s".repeat(MAX_ID_CHARS + 1)).success).toBe(false);
    expect(StartSessionRequest.safeParse({ locationId: "l".repeat(MAX_ID_CHARS + 1) }).success).toBe(false);
    expect(SessionIdParam.safeParse({ id: "s".repeat(MAX_ID_CHARS + 1) }).success).toBe(false);
  });

  it("a proxy credential lives 15 minutes at most", () => {
    expect(MAX_PROXY_CREDENTIAL_LIFETIME_SECONDS).toBe(900);
  });

  it("device_limit's details parse only with a well-formed device list, by handle", () => {
    const device = {
      handle: "q1w2e3r4t5y6u7i8o9p0a1s2",
      kind: "chrome",
      label: "Chrome on Linux",
      registeredAt: "2026-01-01T00:00:00.000Z",
      lastActiveOn: "2026-01-01",
    };
    expect(DeviceLimitDetails.safeParse({ devices: [device], maxDevices: 1, code: "device_limit" }).success).toBe(true);
    expect(DeviceLimitDetails.safeParse({ devices: [{ ...device, kind: "safari" }], maxDevices: 1 }).success).toBe(false);
    expect(DeviceLimitDetails.safeParse({ devices: [device] }).success).toBe(false);
    // A listed device without its handle (a device id instead) is not the contract (issue 20 item 4).
    const { handle: _handle, ...byId } = device;
    expect(
      DeviceLimitDetails.safeParse({ devices: [{ ...byId, id: "0f8fad5b-d9cb-469f-a165-70867728950e" }], maxDevices: 1 }).success,
    ).toBe(false);
  });
});
