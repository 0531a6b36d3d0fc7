/**
 * `npm run ops` refusals that need no running stack: a plan name only PLANS
 * defines (never one Object.prototype carries), a gateway's ports, and the
 * `keys jwt` steps that check the wait README "Rotating keys" asks for (15
 * minutes after publish-next before promote, and after promote before
 * retire), on a throwaway secrets file.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, executeSql, ROOT } from "@cargo-vpn/stack/wrangler";
import { readDevVars, writeDevVars } from "@cargo-vpn/worker/dev/key-rotation";
import { generateSecrets } from "@cargo-vpn/worker/dev/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
let dir: string;
let varsFile: string;

/** Runs `npm run ops -- …` (through tsx, as scripts/run.mjs does) and answers its exit code and output. */
function ops(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, "scripts/ops.ts", ...args, "--persist-to", dir], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.once("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cargo-ops-"));
  varsFile = join(dir, "secrets.vars");
  await writeDevVars(varsFile, { ...(await generateSecrets()) });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("ops plan set", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty"])("refuses --plan %s before touching the database", async (plan) => {
    const account = "00000000-0000-4000-8000-000000000000";
    const { code, out } = await ops(["plan", "set", "--account", account, "--plan", plan, "--reason", "test"]);
    expect(code).toBe(2);
    expect(out).toContain(`unknown plan ${plan}`);
  });
});

describe("ops plan set on a database", () => {
  const account = crypto.randomUUID();
  const row = () =>
    executeSql<{ plan_id: string; downgrade_grace_until: number | null }>(
      `SELECT plan_id, downgrade_grace_until FROM accounts WHERE id = '${account}'`,
      { persistTo: dir },
    )[0]!;

  beforeAll(() => {
    applyMigrations({ persistTo: dir });
    executeSql(
      `INSERT INTO accounts (id, username_index, email_index, username_ciphertext, email_ciphertext, wrapped_key, kdf_salt, kdf_iterations, auth_verifier, plan_id, created_at)
       VALUES ('${account}', 'u', 'e', 'uc', 'ec', 'wk', 's', 600000, 'v', 'team', 0)`,
      { persistTo: dir },
    );
  }, 120_000);

  it("leaves the plan alone for --plan constructor", async () => {
    const { code, out } = await ops(["plan", "set", "--account", account, "--plan", "constructor", "--reason", "test"]);
    expect(code, out).toBe(2);
    expect(row().plan_id).toBe("team");
  });

  it("going down starts the devices' 7-day grace period, going up ends it", async () => {
    const before = Date.now();
    const down = await ops(["plan", "set", "--account", account, "--plan", "free", "--reason", "test: downgrade"]);
    expect(down.code, down.out).toBe(0);
    expect(down.out).toContain("now on the free plan (1 devices)");
    const graced = row();
    expect(graced.plan_id).toBe("free");
    expect(graced.downgrade_grace_until).toBeGreaterThanOrEqual(before + 7 * 24 * 60 * 60 * 1000);
    expect(graced.downgrade_grace_until).toBeLessThanOrEqual(Date.now() + 7 * 24 * 60 * 60 * 1000);
    const up = await ops(["plan", "set", "--account", account, "--plan", "plus", "--reason", "test: upgrade"]);
    expect(up.code, up.out).toBe(0);
    expect(row()).toEqual({ plan_id: "plus", downgrade_grace_until: null });
  });
});

describe("ops gateway create on a database", () => {
  const gateway = (id: string) =>
    executeSql<{ port: number; http1_port: number | null }>(`SELECT port, http1_port FROM gateways WHERE id = '${id}'`, {
      persistTo: dir,
    });
  const create = (id: string, ...extra: string[]) =>
    ops([
      "gateway",
      "create",
      "--id",
      id,
      "--name",
      "Frankfurt 1",
      "--country",
      "de",
      "--host",
      "gw1.example.net",
      "--port",
      "443",
      ...extra,
    ]);

  beforeAll(() => applyMigrations({ persistTo: dir }), 120_000);

  it("stores --http1-port, the port the extension gives Firefox, and says so", async () => {
    const made = await create("gw-ops-h1", "--http1-port", "8443");
    expect(made.code, made.out).toBe(0);
    expect(made.out).toContain("registered for https://gw1.example.net:443 (Firefox: port 8443, HTTP/1.1 only)");
    expect(gateway("gw-ops-h1")).toEqual([{ port: 443, http1_port: 8443 }]);
    const plain = await create("gw-ops-none");
    expect(plain.code, plain.out).toBe(0);
    expect(gateway("gw-ops-none")).toEqual([{ port: 443, http1_port: null }]);
  });

  it("refuses an --http1-port equal to --port and writes nothing", async () => {
    const refused = await create("gw-ops-same", "--http1-port", "443");
    expect(refused.code).toBe(2);
    expect(refused.out).toContain("the http1 port must differ from the port");
    expect(gateway("gw-ops-same")).toEqual([]);
  });
});

describe("ops keys jwt waits", () => {
  const jwt = (step: string, ...extra: string[]) => ops(["keys", "jwt", step, "--vars", varsFile, ...extra]);
  /** Moves a recorded step time back, as if that step ran `minutes` ago. */
  async function ranAgo(name: string, minutes: number) {
    const secrets = await readDevVars(varsFile);
    expect(secrets[name], name).toMatch(/^\d+$/);
    await writeDevVars(varsFile, { ...secrets, [name]: String(Date.now() - minutes * 60_000) });
  }

  it("records when publish-next ran and refuses promote for 15 minutes after it", async () => {
    const before = Date.now();
    expect((await jwt("publish-next")).code).toBe(0);
    const published = Number((await readDevVars(varsFile)).JWT_NEXT_PUBLISHED_AT);
    expect(published).toBeGreaterThanOrEqual(before);
    expect(published).toBeLessThanOrEqual(Date.now());

    const early = await jwt("promote");
    expect(early.code).toBe(2);
    expect(early.out).toMatch(/publish-next ran less than 15 minutes ago: wait 15 more minutes/);
    expect((await readDevVars(varsFile)).JWT_NEXT_PRIVATE_KEY).toBeTruthy();

    await ranAgo("JWT_NEXT_PUBLISHED_AT", 14);
    expect((await jwt("promote")).out).toMatch(/wait 1 more minute\b/);

    await ranAgo("JWT_NEXT_PUBLISHED_AT", 15.1);
    const promoted = await jwt("promote");
    expect(promoted.code, promoted.out).toBe(0);
    const after = await readDevVars(varsFile);
    expect(after.JWT_NEXT_PRIVATE_KEY).toBeUndefined();
    expect(after.JWT_NEXT_PUBLISHED_AT).toBeUndefined();
    expect(after.JWT_PROMOTED_AT).toMatch(/^\d+$/);
  });

  it("refuses retire for 15 minutes after promote, unless --force", async () => {
    const early = await jwt("retire");
    expect(early.code).toBe(2);
    expect(early.out).toMatch(/promote ran less than 15 minutes ago/);
    expect((await readDevVars(varsFile)).JWT_PREVIOUS_PUBLIC_KEY).toBeTruthy();

    const forced = await jwt("retire", "--force");
    expect(forced.code, forced.out).toBe(0);
    const after = await readDevVars(varsFile);
    expect(after.JWT_PREVIOUS_PUBLIC_KEY).toBeUndefined();
    expect(after.JWT_PROMOTED_AT).toBeUndefined();
  });

  it("refuses promote when the publish time was never recorded, unless --force", async () => {
    expect((await jwt("publish-next")).code).toBe(0);
    const { JWT_NEXT_PUBLISHED_AT: _dropped, ...rest } = await readDevVars(varsFile);
    await writeDevVars(varsFile, rest);
    const unknown = await jwt("promote");
    expect(unknown.code).toBe(2);
    expect(unknown.out).toMatch(/time of publish-next is unknown/);
    expect((await jwt("promote", "--force")).code).toBe(0);
  });
});
