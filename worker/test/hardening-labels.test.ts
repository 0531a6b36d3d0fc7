/**
 * Device labels are cleaned on the way in (shared DeviceInput): what the
 * device list shows has no bidirectional controls or invisible characters,
 * and a label with nothing visible left is refused without claiming a slot.
 */
import { describe, expect, it } from "vitest";
import { call, signIn, register } from "./client";

describe("device labels", () => {
  it("are stored and listed without bidi controls or invisible characters", async () => {
    const user = await register();
    const device = { id: crypto.randomUUID(), kind: "chrome" as const, label: "\u202EChrome\u200B on\u2066 Linux\u2069\u0007" };
    const res = await signIn(user, device);
    expect(res.status).toBe(200);
    expect(res.body.device.label).toBe("Chrome on Linux");
    const list = await call("GET", "/v1/devices", { token: res.body.accessToken });
    expect(list.body.devices.map((d: { label: string }) => d.label)).toEqual(["Chrome on Linux"]);
    const exported = await call("GET", "/v1/me/export", { token: res.body.accessToken });
    expect(exported.body.devices[0].label).toBe("Chrome on Linux");
  });

  it("a label that is empty once cleaned is validation_failed, and no slot is taken", async () => {
    const user = await register();
    const refused = await signIn(user, { id: crypto.randomUUID(), kind: "chrome", label: "\u202E\u200B\u2069 \uFEFF" } as never);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body.code).toBe("validation_failed");
    expect(refused.body.errors).toEqual([{ path: "device.label", message: expect.any(String) }]);
    // The free plan's one slot is still free.
    expect((await signIn(user, { id: crypto.randomUUID(), kind: "chrome", label: "Chrome" })).status).toBe(200);
  });
});
