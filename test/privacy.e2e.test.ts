/**
 * The privacy policy, proven on the running system: after a full session
 * through the gateway, no client address, destination host, URL, user agent,
 * email or username is in any byte the worker stored (D1 and Durable Object
 * files) or any line the worker or the gateway logged; and after erasure the
 * account's tokens and proxy credentials stop working.
 */
import { describe, expect, it } from "vitest";
import { httpOverSocket, openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { INTERVAL_MS, useLocalStack } from "./harness/local-stack.ts";
import { allStoredBytes } from "./harness/stored-bytes.ts";
import { intakeFiles, intakeRows } from "@cargo-vpn/stack/intake-files";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { apiClient, authKeyFor, basicAuth, eventually, signUpAndIn } from "@cargo-vpn/testkit/api-client";
import { deriveClientKeys, openUsername } from "@cargo-vpn/shared";

const env = useLocalStack();
const call = apiClient(() => env.stack.apiUrl);

describe("no activity data", () => {
  it("a whole session leaves no address, host, URL, user agent or identity in storage or logs", async () => {
    const probe = { "user-agent": "CargoLeakProbe/9.9", "x-forwarded-for": "198.51.100.77", "cf-connecting-ip": "198.51.100.77" };
    const user = await signUpAndIn(env.stack.apiUrl, { username: `Leak.Probe-${Date.now().toString(36)}` });
    // API calls carrying the probe headers, as a browser behind a NAT would send them.
    for (const route of ["GET /v1/me", "GET /v1/devices", "GET /v1/usage"] as const) {
      await call(route, { token: user.accessToken, headers: probe });
    }
    const opened = await call("POST /v1/tunnel/sessions", { token: user.accessToken, body: { locationId: env.stack.gatewayId } });
    const auth = basicAuth(opened.credentials);
    const destination = `localhost:${env.origin.port}`;
    const secretPath = "/bytes/4096?very-secret-path=needle";
    const viaHttp = await proxiedRequest({
      port: env.stack.proxy.port,
      auth,
      url: `http://${destination}${secretPath}`,
      headers: { "user-agent": probe["user-agent"] },
    });
    expect(viaHttp.status).toBe(404); // the origin does not know the query, but the request went through
    const tunnel = await openTunnel({ port: env.stack.proxy.port, auth, target: destination });
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/5000")).status).toBe(200);
    tunnel.socket.destroy();
    // Refused destinations must not be logged either.
    expect((await openTunnel({ port: env.stack.proxy.port, auth, target: "169.254.169.254:80" })).status).toBe(403);
    await call("POST /v1/tunnel/sessions/{id}/end", { token: user.accessToken, params: { id: opened.session.id } });
    await eventually(async () => {
      const usage = await call("GET /v1/usage", { token: user.accessToken });
      return usage.totals.bytesDown > 5000;
    }, 5000);

    const stored = await allStoredBytes(env.state);
    expect(stored.length).toBeGreaterThan(10_000);
    expect(stored).toContain(user.accountId); // the scan really sees the rows
    // ... and the usage intakes' SQLite files, where the session's counters wait for their fold into D1.
    const intakes = intakeFiles(env.state);
    expect(intakes.length).toBeGreaterThan(0);
    expect(await allStoredBytes(join(intakes[0]!, ".."))).toContain(opened.session.id);
    // wrangler dev's local trace store (every request URL, every query) is kept off: nothing of it on disk.
    expect(existsSync(join(env.state, "v3", "observability")), "wrangler's local trace store").toBe(false);
    const logs = [...env.stack.worker.logs, ...env.gatewayLog.lines].join("\n");
    expect(env.gatewayLog.lines.length).toBeGreaterThan(0);
    const needles = [
      destination,
      "localhost",
      "very-secret-path",
      "169.254.169.254",
      "CargoLeakProbe",
      "198.51.100.77",
      user.username,
      user.username.toLowerCase(),
      user.email,
      user.password,
    ];
    for (const needle of needles) {
      expect(stored.includes(needle), `storage holds ${needle}`).toBe(false);
      expect(logs.includes(needle), `logs hold ${needle}`).toBe(false);
    }
    // The username is kept only as the client's sealed copy (issue 18 item 5), which the owner's password opens.
    const [account] = executeSql<{ username_ciphertext: string; username_sealed: string }>(
      `SELECT username_ciphertext, username_sealed FROM accounts WHERE id = '${user.accountId.replaceAll("'", "''")}'`,
      { persistTo: env.state },
    );
    expect(account!.username_ciphertext).toBe("");
    const kdf = await call("POST /v1/auth/prelogin", { body: { username: user.username } });
    const { usernameKey } = await deriveClientKeys(user.password, kdf);
    expect(await openUsername(usernameKey, account!.username_sealed)).toBe(user.username.toLowerCase());
    // The only activity record: start, end and byte counts.
    const columns = executeSql<{ name: string }>("SELECT name FROM pragma_table_info('tunnel_sessions')", { persistTo: env.state }).map(
      (c) => c.name,
    );
    expect(columns.sort()).toEqual([
      "account_id",
      "bytes_down",
      "bytes_up",
      "device_id",
      "ended_at",
      "gateway_id",
      "id",
      "last_activity_at",
      "started_at",
      "usage_fold",
    ]);
  });
});

describe("erasure", () => {
  it("after DELETE /v1/me every token and the proxy credential stop working and no row remains", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    const opened = await call("POST /v1/tunnel/sessions", { token: user.accessToken, body: { locationId: env.stack.gatewayId } });
    const auth = basicAuth(opened.credentials);
    const url = `http://127.0.0.1:${env.origin.port}/bytes/100`;
    expect((await proxiedRequest({ port: env.stack.proxy.port, auth, url })).status).toBe(200);
    const tunnel = await openTunnel({ port: env.stack.proxy.port, auth, target: `127.0.0.1:${env.origin.port}` });
    const dropped = new Promise<void>((resolve) => tunnel.socket.once("close", () => resolve()));
    tunnel.socket.resume();

    // The gateway's report is in its usage intake (folds come every 10 minutes), so erasure has something to take out.
    await eventually(async () => (await call("GET /v1/usage", { token: user.accessToken })).totals.bytesDown > 100, 5000);
    expect(intakeRows(env.state)).toContain(opened.session.id);
    const authKey = await authKeyFor(env.stack.apiUrl, user.username, user.password);
    await call("DELETE /v1/me", { token: user.accessToken, body: { authKey } });

    await expect(call("GET /v1/me", { token: user.accessToken })).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    await expect(call("POST /v1/auth/refresh", { body: { refreshToken: user.refreshToken } })).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
    });
    await dropped;
    await eventually(async () => (await proxiedRequest({ port: env.stack.proxy.port, auth, url })).status === 407, INTERVAL_MS * 4);

    // One query (each wrangler call costs seconds): every row that names the account or its session.
    const id = user.accountId.replaceAll("'", "''");
    const session = opened.session.id.replaceAll("'", "''");
    const [left] = executeSql<Record<string, number>>(
      `SELECT (SELECT COUNT(*) FROM accounts WHERE id = '${id}') AS accounts,
              (SELECT COUNT(*) FROM sign_ins WHERE account_id = '${id}') AS sign_ins,
              (SELECT COUNT(*) FROM refresh_tokens WHERE account_id = '${id}') AS refresh_tokens,
              (SELECT COUNT(*) FROM tunnel_sessions WHERE account_id = '${id}' OR id = '${session}') AS tunnel_sessions,
              (SELECT COUNT(*) FROM telemetry_events WHERE account_id = '${id}') AS telemetry_events`,
      { persistTo: env.state },
    );
    expect(left).toEqual({ accounts: 0, sign_ins: 0, refresh_tokens: 0, tunnel_sessions: 0, telemetry_events: 0 });
    // The account's session is out of the usage intake too: no intake row holds it any more.
    const rows = intakeRows(env.state);
    expect(rows).toContain("batches"); // the intake is still there (the earlier test's batch): the scan reads real rows
    expect(rows).not.toContain(opened.session.id);
    // The username and email are free again.
    expect((await signUpAndIn(env.stack.apiUrl, { username: user.username })).accountId).not.toBe(user.accountId);
  });
});
