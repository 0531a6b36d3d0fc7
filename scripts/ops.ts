/**
 * Operator commands (`npm run ops -- <command>`), acting on the local
 * database by default or on the deployed one with --remote:
 *
 *   gateway create --name "Frankfurt 1" --country DE --host gw1.example.net --port 443 [--http1-port 8443] [--scheme https] [--id gw-fra-1]
 *       registers a gateway and prints its secret once (give it to the gateway as CARGO_GATEWAY_SECRET)
 *   gateway list
 *   plan set --account <account id> --plan free|plus|team --reason "why"
 *       support changes an account's plan (its device limit); the reason is kept with the change
 *       (table plan_changes: no personal data in it). A later Stripe event for the account's
 *       subscription sets the plan again.
 *   secrets
 *       prints a fresh set of worker secrets, for `wrangler secret put` on a new deployment
 *   gateway rotate-secret --id ID [--overlap-hours 24]
 *       gives a gateway a new secret (printed once); the old one works until the window ends or the new one is used
 *   keys jwt publish-next | promote | retire [--force]
 *       rotates the JWT signing key in three steps (README "Rotating keys"); promote and
 *       retire are refused until 15 minutes after the step before (--force skips the check)
 *   keys kek rotate | rewrap [--batch 100] [--limit N] | status | retire
 *       rotates DATA_KEK: a new version, every account re-wrapped in batches, then the old key dropped
 *
 * Key commands edit `.dev.vars` (or --vars FILE) locally; with --remote they read the
 * current secrets from the environment and print what to `wrangler secret put`.
 */
import { parseArgs } from "node:util";
import {
  DEFAULT_DOWNGRADE_GRACE_DAYS,
  GATEWAY_SECRET_OVERLAP_MS,
  KEK_REWRAP_BATCH,
  isPlanId,
  MAX_KEK_REWRAP_BATCH,
  PLANS,
} from "@cargo-vpn/worker/constants";
import { insertGatewaySql, newGateway, rotateGatewaySecret } from "@cargo-vpn/worker/gateways/provision";
import { generateSecrets } from "@cargo-vpn/worker/dev/secrets";
import { executeSql, ROOT, type Target } from "@cargo-vpn/stack/wrangler";
import { join } from "node:path";
import {
  applyChange,
  JWT_PROMOTED_AT,
  JWT_PUBLISHED_AT,
  jwtPromote,
  jwtPublishNext,
  jwtRetire,
  kekRetire,
  kekRotate,
  kekVersionOf,
  readDevVars,
  type SecretChange,
  type Secrets,
  writeDevVars,
} from "@cargo-vpn/worker/dev/key-rotation";
import { kekVersionCounts, rewrapAll, type SqlRunner } from "@cargo-vpn/worker/crypto/kek-rotation";
import { loadKek } from "@cargo-vpn/worker/crypto/kek";

/** The step times `keys jwt` records (not worker secrets). */
const STEP_TIMES = [JWT_PUBLISHED_AT, JWT_PROMOTED_AT];

const USAGE = `usage:
  npm run ops -- gateway create --name NAME --country CC --host HOST --port PORT [--http1-port PORT] [--scheme https|http] [--id ID] [--remote]
  npm run ops -- gateway list [--remote]
  npm run ops -- plan set --account ACCOUNT_ID --plan ${Object.keys(PLANS).join("|")} --reason "WHY (no personal data)" [--remote]
  npm run ops -- secrets
  npm run ops -- gateway rotate-secret --id ID [--overlap-hours HOURS] [--remote]
  npm run ops -- keys jwt publish-next|promote|retire [--force] [--vars FILE | --remote]
  npm run ops -- keys kek rotate|rewrap|status|retire [--batch N] [--limit N] [--vars FILE | --remote]`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    country: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    "http1-port": { type: "string" },
    scheme: { type: "string", default: "https" },
    id: { type: "string" },
    account: { type: "string" },
    plan: { type: "string" },
    reason: { type: "string" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    vars: { type: "string" },
    batch: { type: "string" },
    limit: { type: "string" },
    "overlap-hours": { type: "string" },
    force: { type: "boolean", default: false },
  },
});

const target: Target = { remote: values.remote, ...(values["persist-to"] ? { persistTo: values["persist-to"] } : {}) };
const command = positionals.join(" ");

if (command === "gateway create") {
  const { name, country, host, port, scheme, id } = values;
  const http1Port = values["http1-port"];
  if (!name || !country || !host || !port) fail("gateway create needs --name, --country, --host and --port");
  if (scheme !== "https" && scheme !== "http") fail("--scheme must be https or http");
  const { record, secret } = await newGateway({
    name,
    country: country.toUpperCase(),
    host,
    port: Number(port),
    scheme,
    ...(http1Port ? { http1Port: Number(http1Port) } : {}),
    ...(id ? { id } : {}),
  }).catch((e: Error) => fail(e.message));
  executeSql(insertGatewaySql(record), target);
  const firefox = http1Port ? ` (Firefox: port ${http1Port}, HTTP/1.1 only)` : "";
  console.log(`gateway ${record.id} (${name}, ${record.country}) registered for ${scheme}://${host}:${port}${firefox}`);
  console.log(`secret (shown once; set it as CARGO_GATEWAY_SECRET on the gateway):\n${secret}`);
} else if (command === "gateway list") {
  console.table(
    executeSql(
      "SELECT id, name, country, scheme, host, port, http1_port, load, active_sessions, last_heartbeat_at FROM gateways ORDER BY id",
      target,
    ),
  );
} else if (command === "plan set") {
  /** Going down starts the devices' grace period, as a billing downgrade does (worker/src/billing/downgrade-grace.ts). */
  const graceSql = (to: keyof typeof PLANS) => {
    const limitOf = `CASE plan_id ${Object.values(PLANS)
      .map((p) => `WHEN '${p.id}' THEN ${p.maxDevices}`)
      .join(" ")} ELSE 1 END`;
    const max = PLANS[to].maxDevices;
    const until = Date.now() + DEFAULT_DOWNGRADE_GRACE_DAYS * 24 * 60 * 60 * 1000;
    return `CASE WHEN ${max} < ${limitOf} THEN ${until} WHEN ${max} > ${limitOf} THEN NULL ELSE downgrade_grace_until END`;
  };
  const { account, plan, reason } = values;
  if (!account || !plan) fail("plan set needs --account and --plan");
  if (!reason?.trim()) fail('plan set needs --reason "…" (why support changed the plan; never personal data)');
  if (reason.length > 500) fail("--reason is at most 500 characters");
  if (!isPlanId(plan)) fail(`unknown plan ${plan} (one of ${Object.keys(PLANS).join(", ")})`);
  if (!/^[0-9a-f-]{36}$/.test(account)) fail("--account must be an account id (GET /v1/me shows it)");
  // The record of why goes in first, so the plan never changes without one.
  const rows = executeSql<{ id: string }>(
    `INSERT INTO plan_changes (account_id, plan_id, source, reason, changed_at)
       SELECT id, '${plan}', 'support', '${reason.trim().replaceAll("'", "''")}', ${Date.now()} FROM accounts WHERE id = '${account}';
     UPDATE accounts SET plan_id = '${plan}', downgrade_grace_until = ${graceSql(plan)} WHERE id = '${account}' RETURNING id`,
    target,
  );
  if (rows.length === 0) fail(`no account ${account}`);
  console.log(`account ${account} is now on the ${plan} plan (${PLANS[plan].maxDevices} devices)`);
} else if (command === "secrets") {
  for (const [name, value] of Object.entries(await generateSecrets())) {
    // Stripe's keys come from the Stripe dashboard, not from here (README: Billing).
    if (!name.startsWith("STRIPE_")) console.log(`${name}=${value}`);
  }
} else if (command === "gateway rotate-secret") {
  const { id } = values;
  if (!id) fail("gateway rotate-secret needs --id");
  const hours = values["overlap-hours"];
  const overlapMs = hours === undefined ? GATEWAY_SECRET_OVERLAP_MS : Number(hours) * 60 * 60 * 1000;
  const { secret, sql } = await rotateGatewaySecret(id, overlapMs).catch((e: Error) => fail(e.message));
  if ((await executeSqlRetrying(sql)).length === 0) fail(`no gateway ${id}`);
  console.log(
    `gateway ${id} has a new secret; the old one keeps working for ${overlapMs / 3_600_000} hours or until the gateway uses the new one`,
  );
  console.log(`secret (shown once; set it as CARGO_GATEWAY_SECRET on the gateway and restart it):\n${secret}`);
} else if (positionals[0] === "keys") {
  await keysCommand(positionals.slice(1).join(" "));
} else {
  fail(command ? `unknown command "${command}"` : "name a command");
}

/** `keys …`: each step is checked against the current secrets and the database, then applied or printed. */
async function keysCommand(step: string): Promise<void> {
  const varsPath = values.vars ?? join(ROOT, ".dev.vars");
  const secrets: Secrets = values.remote ? remoteSecrets() : await readDevVars(varsPath);
  const run: SqlRunner = async <T>(sql: string) => executeSqlRetrying<T>(sql);
  const offCurrent = async () =>
    (await kekVersionCounts(run)).filter((c) => c.version !== kekVersionOf(secrets)).reduce((n, c) => n + c.accounts, 0);
  const attempt = <T>(f: () => T): T => {
    try {
      return f();
    } catch (error) {
      return fail((error as Error).message);
    }
  };
  let change: SecretChange | undefined;
  const stepOptions = { force: values.force };
  if (step === "jwt publish-next") change = await jwtPublishNext(secrets, stepOptions).catch((e: Error) => fail(e.message));
  else if (step === "jwt promote") change = attempt(() => jwtPromote(secrets, stepOptions));
  else if (step === "jwt retire") change = attempt(() => jwtRetire(secrets, stepOptions));
  else if (step === "kek rotate") {
    const off = await offCurrent();
    change = attempt(() => kekRotate(secrets, off));
  } else if (step === "kek retire") {
    const off = await offCurrent();
    change = attempt(() => kekRetire(secrets, off));
  } else if (step === "kek status") {
    const counts = await kekVersionCounts(run);
    console.table(counts.map((c) => ({ ...c, current: c.version === kekVersionOf(secrets) })));
    const off = counts.filter((c) => c.version !== kekVersionOf(secrets)).reduce((n, c) => n + c.accounts, 0);
    console.log(`${off} accounts remain on an old DATA_KEK version`);
    return;
  } else if (step === "kek rewrap") {
    const batch = Number(values.batch ?? KEK_REWRAP_BATCH);
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_KEK_REWRAP_BATCH) fail(`--batch must be 1-${MAX_KEK_REWRAP_BATCH}`);
    const max = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
    if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1))) fail("--limit must be a whole number of accounts");
    const kek = await loadKek({ ...secrets, DATA_KEK: secrets.DATA_KEK ?? "" }).catch((e: Error) => fail(e.message));
    const result = await rewrapAll(run, kek, batch, (b) => console.log(`re-wrapped ${b.rewrapped} of ${b.seen} (up to ${b.cursor})`), max);
    console.log(`re-wrapped ${result.rewrapped} accounts to DATA_KEK version ${kek.current.version}; ${result.skipped} changed meanwhile`);
    console.log(`${await offCurrent()} accounts remain on an old DATA_KEK version (run again if not 0, then keys kek retire)`);
    return;
  } else fail(`unknown command "keys ${step}"`);

  if (values.remote) {
    console.log("Apply to the deployed worker (values below; keep the private ones in your secret store):");
    for (const [name, value] of Object.entries(change.set)) {
      // Step times are not worker secrets: the operator keeps them with the keys for the next step to check.
      if (STEP_TIMES.includes(name)) console.log(`  keep ${name}=${value} in your secret store (the next keys jwt step reads it)`);
      else console.log(`  npm run wrangler -- secret put ${name}    # ${value}`);
    }
    for (const name of change.remove.filter((n) => !STEP_TIMES.includes(n))) console.log(`  npm run wrangler -- secret delete ${name}`);
  } else {
    await writeDevVars(varsPath, applyChange(secrets, change));
    const names = [...Object.keys(change.set).map((n) => `set ${n}`), ...change.remove.map((n) => `removed ${n}`)];
    console.log(`${varsPath}: ${names.join(", ")}. Restart the worker (npm start) to load them.`);
  }
}

/**
 * Locally the running `npm start` holds the same SQLite file, so a write may
 * meet SQLITE_BUSY; the statements here are safe to repeat (the re-wrap only
 * writes rows whose wrapped key is still the one it read), so they are retried.
 */
async function executeSqlRetrying<T>(sql: string): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return executeSql<T>(sql, target);
    } catch (error) {
      if (target.remote || attempt >= 8 || !String((error as Error).message).includes("SQLITE_BUSY")) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** With --remote the current secrets come from the environment: Cloudflare never hands them back. */
function remoteSecrets(): Secrets {
  const names = [
    "JWT_PRIVATE_KEY",
    "JWT_NEXT_PRIVATE_KEY",
    "JWT_PREVIOUS_PUBLIC_KEY",
    "DATA_KEK",
    "DATA_KEK_VERSION",
    "DATA_KEK_PREVIOUS",
    ...STEP_TIMES,
  ];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]!]] : [])));
}
