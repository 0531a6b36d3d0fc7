/** The account's device slots. */
import { createRoute } from "@hono/zod-openapi";
import { DeviceIdParam, DevicesResponse } from "@cargo-vpn/shared";
import { planFor } from "../config";
import { deviceSlots } from "../devices/device-slots";
import { deviceView, keyRef, signOutDevice } from "../devices/devices";
import { authenticate } from "../http/authenticate";
import { Problem } from "../problem";
import { bearer, jsonResponse, problems, router } from "../http/router";

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
