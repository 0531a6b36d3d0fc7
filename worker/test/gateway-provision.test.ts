/**
 * `npm run ops -- gateway create` builds its record with newGateway and writes it with
 * insertGatewaySql: a bad spec is refused before anything is written, and the SQL it
 * prints stores exactly the record, the HTTP/1.1-only port (or its absence) included.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { insertGatewaySql, newGateway } from "../src/gateways/provision";

const spec = { name: "Frankfurt 1", country: "DE", scheme: "https" as const, host: "gw1.example.net", port: 443 };

async function stored(sql: string, id: string) {
  await env.DB.exec(sql);
  return env.DB.prepare("SELECT scheme, host, port, http1_port AS http1Port FROM gateways WHERE id = ?").bind(id).first();
}

describe("gateway provisioning", () => {
  it("stores the HTTP/1.1-only port when given, and NULL when not", async () => {
    const withPort = await newGateway({ ...spec, id: "gw-prov-h1", http1Port: 8443 });
    expect(await stored(insertGatewaySql(withPort.record), "gw-prov-h1")).toEqual({
      scheme: "https",
      host: spec.host,
      port: 443,
      http1Port: 8443,
    });
    const without = await newGateway({ ...spec, id: "gw-prov-none" });
    expect(await stored(insertGatewaySql(without.record), "gw-prov-none")).toEqual({
      scheme: "https",
      host: spec.host,
      port: 443,
      http1Port: null,
    });
  });

  it("refuses an HTTP/1.1 port that is out of range, the same as the port, or on a plain http gateway", async () => {
    await expect(newGateway({ ...spec, http1Port: 70_000 })).rejects.toThrow("http1 port must be 1-65535");
    await expect(newGateway({ ...spec, http1Port: 443 })).rejects.toThrow("must differ from the port");
    await expect(newGateway({ ...spec, scheme: "http", port: 3128, http1Port: 8443 })).rejects.toThrow("for https gateways");
  });
});
