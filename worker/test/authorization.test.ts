/** One account can never read, change or end another account's devices, sessions, usage or export. */
import { describe, expect, it } from "vitest";
import { call, provisionGateway, signedIn } from "./client";

describe("cross-account access", () => {
  it("each route answers only for the caller's own account", async () => {
    const gw = await provisionGateway();
    const alice = await signedIn();
    const mallory = await signedIn();
    const session = await call("POST", "/v1/tunnel/sessions", { token: alice.token, body: { locationId: gw.id } });
    const sessionId = session.body.session.id;
    await call("POST", "/v1/gateway/usage", {
      body: { batchId: crypto.randomUUID(), reports: [{ sessionId, bytesUp: 3, bytesDown: 4 }] },
      headers: gw.auth,
    });

    // Devices: Mallory sees only her own and cannot remove Alice's.
    const devices = await call("GET", "/v1/devices", { token: mallory.token });
    expect(devices.body.devices.map((d: { id: string }) => d.id)).toEqual([mallory.device.id]);
    expect((await call("DELETE", `/v1/devices/${alice.device.id}`, { token: mallory.token })).status).toBe(404);

    // Sessions: cannot renew or end Alice's.
    expect((await call("POST", `/v1/tunnel/sessions/${sessionId}/renew`, { token: mallory.token })).status).toBe(404);
    expect((await call("POST", `/v1/tunnel/sessions/${sessionId}/end`, { token: mallory.token })).status).toBe(404);

    // Usage and export hold nothing of Alice.
    const usage = await call("GET", "/v1/usage", { token: mallory.token });
    expect(usage.body).toEqual({ sessions: [], totals: { sessions: 0, bytesUp: 0, bytesDown: 0 }, nextCursor: null });
    const exported = await call("GET", "/v1/me/export", { token: mallory.token });
    expect(JSON.stringify(exported.body)).not.toContain(alice.user.id);
    expect(JSON.stringify(exported.body)).not.toContain(sessionId);

    // Me: PATCH changes only Mallory; DELETE with Alice's authKey does not erase Alice.
    await call("PATCH", "/v1/me", { token: mallory.token, body: { telemetryOptIn: true } });
    expect((await call("GET", "/v1/me", { token: alice.token })).body.account.telemetryOptIn).toBe(false);
    const wrongErase = await call("DELETE", "/v1/me", {
      token: mallory.token,
      body: { authKey: alice.user.cred.authKey === mallory.user.cred.authKey ? "A".repeat(43) : alice.user.cred.authKey },
    });
    expect(wrongErase.status).toBe(401);
    expect((await call("GET", "/v1/me", { token: alice.token })).status).toBe(200);

    // Alice's session and its bytes are untouched.
    const aliceUsage = await call("GET", "/v1/usage", { token: alice.token });
    expect(aliceUsage.body.sessions[0]).toMatchObject({ id: sessionId, endedAt: null, bytesUp: 3, bytesDown: 4 });
  });

  it("a gateway cannot count bytes on another gateway's sessions or see their revocations", async () => {
    const gwA = await provisionGateway();
    const gwB = await provisionGateway();
    const s = await signedIn();
    const session = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gwA.id } });
    const id = session.body.session.id;
    const res = await call("POST", "/v1/gateway/usage", {
      body: { batchId: crypto.randomUUID(), reports: [{ sessionId: id, bytesUp: 100, bytesDown: 100 }] },
      headers: gwB.auth,
    });
    expect(res.body.accepted).toBe(0);
    await call("POST", `/v1/tunnel/sessions/${id}/end`, { token: s.token });
    const beatB = await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 0, load: 0 }, headers: gwB.auth });
    expect(beatB.body.revokedSessions).not.toContain(id);
  });
});
