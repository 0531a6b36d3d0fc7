/** The account's device slots. */
import { createRoute } from "@hono/zod-openapi";
import { DeviceIdParam, DeviceResponse, DevicesResponse, RenameDeviceRequest, SignOutOthersResponse } from "@cargo-vpn/shared";
import { planFor } from "../constants";
import { deviceSlots } from "../devices/device-slots";
import { deviceView, keyRef, signOutDevice, signOutDevicesExcept } from "../devices/devices";
import { authenticate } from "../http/authenticate";
import { Problem } from "../problem";
import { bearer, jsonBody, jsonResponse, problems, router } from "../http/router";

export const deviceRoutes = router();

deviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/devices",
    operationId: "listDevices",
    summary: "The devices holding the account's slots, and how many slots the plan has",
    tags: ["devices"],
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("Devices holding the account's slots", DevicesResponse), ...problems("unauthorized") },
  }),
  async (c) => {
    const auth = c.get("auth");
    const row = c.get("account");
    const devices = await deviceSlots(c.get("ctx"), row.id).list(keyRef(row));
    return c.json({ devices: devices.map((d) => deviceView(d, auth.deviceId)), maxDevices: planFor(row.planId).maxDevices }, 200);
  },
);

deviceRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/v1/devices/{id}",
    operationId: "removeDevice",
    tags: ["devices"],
    summary: "Sign a device out and free its slot",
    security: bearer,
    middleware: [authenticate] as const,
    request: { params: DeviceIdParam },
    responses: { 204: { description: "Removed" }, ...problems("unauthorized", "not_found") },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await signOutDevice(c.get("ctx"), c.get("account"), id)))
      throw new Problem("not_found", "No device with that id holds a slot of this account.");
    return c.body(null, 204);
  },
);

// ---------- sign-ins you can see and end (issue 18) ----------

deviceRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/v1/devices/{id}",
    operationId: "renameDevice",
    tags: ["devices"],
    summary: "Give a signed-in device a new label",
    security: bearer,
    middleware: [authenticate] as const,
    request: { params: DeviceIdParam, ...jsonBody(RenameDeviceRequest) },
    responses: {
      200: jsonResponse("The device", DeviceResponse),
      ...problems("unauthorized", "not_found", "validation_failed", "malformed_json"),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { label } = c.req.valid("json");
    const row = c.get("account");
    const device = await deviceSlots(c.get("ctx"), row.id).rename(keyRef(row), id, label);
    if (!device) throw new Problem("not_found", "No device with that id holds a slot of this account.");
    return c.json({ device: deviceView(device, c.get("auth").deviceId) }, 200);
  },
);

deviceRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/sign-out-others",
    operationId: "signOutOtherDevices",
    tags: ["devices"],
    summary: "Sign out every device but this one: slots freed, refresh tokens revoked, tunnel sessions ended",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("How many sign-ins were ended", SignOutOthersResponse), ...problems("unauthorized") },
  }),
  async (c) => {
    const ended = await signOutDevicesExcept(c.get("ctx"), c.get("account"), c.get("auth").deviceId);
    return c.json({ signedOut: ended.length }, 200);
  },
);
