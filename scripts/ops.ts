/**
 * Operator commands (`npm run ops -- <command>`), acting on the local
 * database by default or on the deployed one with --remote:
 *
 *   gateway create --name "Frankfurt 1" --country DE --host gw1.example.net --port 443 [--scheme https] [--id gw-fra-1]
 *       registers a gateway and prints its secret once (give it to the gateway as CARGO_GATEWAY_SECRET)
 *   gateway list
 *   plan set --account <account id> --plan free|plus|team --reason "why"
 *       support changes an account's plan (its device limit); the reason is kept with the change
 *       (table plan_changes: no personal data in it). A later Stripe event for the account's
 *       subscription sets the plan again.
 *   secrets
 *       prints a fresh set of worker secrets, for `wrangler secret put` on a new deployment
 */
import { parseArgs } from "node:util";
import { PLANS } from "../worker/src/config.ts";
import { insertGatewaySql, newGateway } from "../worker/src/gateways/provision.ts";
import { generateSecrets } from "../worker/dev/secrets.ts";
import { executeSql, type Target } from "./stack/wrangler.ts";

const USAGE = `usage:
  npm run ops -- gateway create --name NAME --country CC --host HOST --port PORT [--scheme https|http] [--id ID] [--remote]
  npm run ops -- gateway list [--remote]
  npm run ops -- plan set --account ACCOUNT_ID --plan ${Object.keys(PLANS).join("|")} --reason "WHY (no personal data)" [--remote]
  npm run ops -- secrets`;

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
    scheme: { type: "string", default: "https" },
    id: { type: "string" },
    account: { type: "string" },
    plan: { type: "string" },
    reason: { type: "string" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
  },
});

const target: Target = { remote: values.remote, ...(values["persist-to"] ? { persistTo: values["persist-to"] } : {}) };
const command = positionals.join(" ");

if (command === "gateway create") {
  const { name, country, host, port, scheme, id } = values;
  if (!name || !country || !host || !port) fail("gateway create needs --name, --country, --host and --port");
  if (scheme !== "https" && scheme !== "http") fail("--scheme must be https or http");
  const { record, secret } = await newGateway({
    name,
    country: country.toUpperCase(),
    host,
    port: Number(port),
    scheme,
    ...(id ? { id } : {}),
  }).catch((e: Error) => fail(e.message));
  executeSql(insertGatewaySql(record), target);
  console.log(`gateway ${record.id} (${name}, ${record.country}) registered for ${scheme}://${host}:${port}`);
  console.log(`secret (shown once; set it as CARGO_GATEWAY_SECRET on the gateway):\n${secret}`);
} else if (command === "gateway list") {
  console.table(
    executeSql("SELECT id, name, country, scheme, host, port, load, active_sessions, last_heartbeat_at FROM gateways ORDER BY id", target),
  );
} else if (command === "plan set") {
  const { account, plan, reason } = values;
  if (!account || !plan) fail("plan set needs --account and --plan");
  if (!reason?.trim()) fail('plan set needs --reason "…" (why support changed the plan; never personal data)');
  if (reason.length > 500) fail("--reason is at most 500 characters");
  if (!(plan in PLANS)) fail(`unknown plan ${plan}`);
  if (!/^[0-9a-f-]{36}$/.test(account)) fail("--account must be an account id (GET /v1/me shows it)");
  // The record of why goes in first, so the plan never changes without one.
  const rows = executeSql<{ id: string }>(
    `INSERT INTO plan_changes (account_id, plan_id, source, reason, changed_at)
       SELECT id, '${plan}', 'support', '${reason.trim().replaceAll("'", "''")}', ${Date.now()} FROM accounts WHERE id = '${account}';
     UPDATE accounts SET plan_id = '${plan}' WHERE id = '${account}' RETURNING id`,
    target,
  );
  if (rows.length === 0) fail(`no account ${account}`);
  console.log(`account ${account} is now on the ${plan} plan (${PLANS[plan as keyof typeof PLANS].maxDevices} devices)`);
} else if (command === "secrets") {
  for (const [name, value] of Object.entries(await generateSecrets())) {
    // Stripe's keys come from the Stripe dashboard, not from here (README: Billing).
    if (!name.startsWith("STRIPE_")) console.log(`${name}=${value}`);
  }
} else {
  fail(command ? `unknown command "${command}"` : "name a command");
}
