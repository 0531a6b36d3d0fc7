import { env } from "cloudflare:test";
import { gatewayAudience, PROXY_TOKEN_ISSUER, PROXY_TOKEN_TYPE } from "@cargo-vpn/shared";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { call, signIn, newDevice, provisionGateway, register, signedIn } from "./client";

async function start(token: string, locationId: string) {
  return call("POST", "/v1/tunnel/sessions", { token, body: { locationId } });
}

describe("locations", () => {
  it("lists gateways with country, load, online state and the probe to time", async () => {
    const gw = await provisionGateway({ name: "Paris 1", country: "FR", host: "par1.gw.example", port: 8443 });
    const v6 = await provisionGateway({ name: "Paris 2", country: "FR", scheme: "http", host: "2001:db8::1", port: 3128 });
    const s = await signedIn();
    const res = await call("GET", "/v1/locations", { token: s.token });
    expect(res.status).toBe(200);
    expect(res.body.locations).toContainEqual({
      id: gw.id,
      name: "Paris 1",
      country: "FR",
      load: 0.1,
      online: true,
      pingUrl: "https://par1.gw.example:8443/ping",
    });
    expect(res.body.locations).toContainEqual(expect.objectContaining({ id: v6.id, pingUrl: "http://[2001:db8::1]:3128/ping" }));
    expect((await call("GET", "/v1/locations")).status).toBe(401);
  });
});

describe("tunnel sessions", () => {
  it("opens a session with proxy details and credentials only the named gateway accepts", async () => {
    const gw = await provisionGateway({ host: "gw.example.net", port: 443 });
    const s = await signedIn();
    const res = await start(s.token, gw.id);
    expect(res.status).toBe(201);
    expect(res.body.proxy).toEqual({ scheme: "https", host: "gw.example.net", port: 443 });
    expect(res.body.session.id).toEqual(expect.any(String));
    expect(res.body.credentials.username).toBe(res.body.session.id);
    const expiresAt = Date.parse(res.body.credentials.expiresAt);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(expiresAt - Date.now()).toBeGreaterThan(60_000);

    const jwks = createLocalJWKSet((await call("GET", "/.well-known/jwks.json")).body);
    const { payload, protectedHeader } = await jwtVerify(res.body.credentials.password, jwks, {
      issuer: PROXY_TOKEN_ISSUER,
      audience: gatewayAudience(gw.id),
      typ: PROXY_TOKEN_TYPE,
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.sub).toBe(res.body.session.id);
    // Nothing about the user rides in the credential.
    expect(Object.keys(payload).sort()).toEqual(["aud", "exp", "iat", "iss", "sub"]);
  });

  it("names the gateway's HTTP/1.1-only port when it has one, where Firefox connects", async () => {
    const gw = await provisionGateway({ host: "gw.example.net", port: 443, http1Port: 8443 });
    const s = await signedIn();
    const res = await start(s.token, gw.id);
    expect(res.status).toBe(201);
    expect(res.body.proxy).toEqual({ scheme: "https", host: "gw.example.net", port: 443, http1Port: 8443 });
  });

  it("refuses unknown and offline locations", async () => {
    const s = await signedIn();
    const unknown = await start(s.token, "gw-nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("not_found");
    const gw = await provisionGateway();
    await env.DB.prepare("UPDATE gateways SET last_heartbeat_at = ? WHERE id = ?")
      .bind(Date.now() - 10 * 60_000, gw.id)
      .run();
    const offline = await start(s.token, gw.id);
    expect(offline.status).toBe(503);
    expect(offline.headers.get("content-type")).toBe("application/problem+json");
  });

  it("keeps one open session per device: starting again ends the previous one", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const first = await start(s.token, gw.id);
    const second = await start(s.token, gw.id);
    expect(second.status).toBe(201);
    const usage = await call("GET", "/v1/usage", { token: s.token });
    const byId = Object.fromEntries(usage.body.sessions.map((u: { id: string }) => [u.id, u]));
    expect(byId[first.body.session.id].endedAt).not.toBeNull();
    expect(byId[second.body.session.id].endedAt).toBeNull();
  });

  it("parallel starts from one device leave exactly one open session", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const results = await Promise.all(Array.from({ length: 6 }, () => start(s.token, gw.id)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const open = await env.DB.prepare("SELECT COUNT(*) AS n FROM tunnel_sessions WHERE account_id = ? AND ended_at IS NULL")
      .bind(s.user.id)
      .first<{ n: number }>();
    expect(open!.n).toBe(1);
  });

  it("renews credentials while open and answers session_ended after", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const { body } = await start(s.token, gw.id);
    const renewed = await call("POST", `/v1/tunnel/sessions/${body.session.id}/renew`, { token: s.token });
    expect(renewed.status).toBe(200);
    expect(renewed.body.credentials.username).toBe(body.session.id);
    const ended = await call("POST", `/v1/tunnel/sessions/${body.session.id}/end`, { token: s.token });
    expect(ended.status).toBe(200);
    expect(ended.body.session).toMatchObject({ id: body.session.id, bytesUp: 0, bytesDown: 0, endedAt: expect.any(String) });
    const again = await call("POST", `/v1/tunnel/sessions/${body.session.id}/renew`, { token: s.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("session_ended");
    // Ending twice is harmless and keeps the first end time.
    const twice = await call("POST", `/v1/tunnel/sessions/${body.session.id}/end`, { token: s.token });
    expect(twice.body.session.endedAt).toBe(ended.body.session.endedAt);
  });

  it("another account can neither renew nor end someone's session", async () => {
    const gw = await provisionGateway();
    const alice = await signedIn();
    const bob = await signedIn();
    const { body } = await start(alice.token, gw.id);
    for (const action of ["renew", "end"]) {
      const res = await call("POST", `/v1/tunnel/sessions/${body.session.id}/${action}`, { token: bob.token });
      expect(res.status).toBe(404);
    }
    const usage = await call("GET", "/v1/usage", { token: alice.token });
    expect(usage.body.sessions[0].endedAt).toBeNull();
    expect((await call("GET", "/v1/usage", { token: bob.token })).body.sessions).toEqual([]);
  });

  it("sign-out and device removal end the device's session, and the gateway hears of it", async () => {
    const gw = await provisionGateway();
    const user = await register();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    const a = await signIn(user, newDevice());
    const b = await signIn(user, newDevice());
    const sa = await start(a.body.accessToken, gw.id);
    const sb = await start(b.body.accessToken, gw.id);
    await call("POST", "/v1/auth/logout", { token: a.body.accessToken });
    await call("DELETE", `/v1/devices/${a.body.device.id}`, { token: b.body.accessToken }); // already gone: 404
    const c = await signIn(user, newDevice());
    await call("DELETE", `/v1/devices/${b.body.device.id}`, { token: c.body.accessToken });
    const beat = await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 2, load: 0.2 }, headers: gw.auth });
    expect(beat.body.revokedSessions).toEqual(expect.arrayContaining([sa.body.session.id, sb.body.session.id]));
  });
});
