/**
 * `npm start`: the full local stack. Starts the API on http://127.0.0.1:8787
 * (wrangler dev: local D1 and Durable Objects under .wrangler/state, secrets
 * in .dev.vars generated on first run), a gateway on 127.0.0.1:8080
 * registered with it, and builds the extension pointed at that API, ready to
 * load unpacked. Ctrl-C stops everything cleanly.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { startStack } from "@cargo-vpn/stack";
import { ROOT } from "@cargo-vpn/stack/wrangler";

const workerPort = Number(process.env.CARGO_API_PORT ?? 8787);
const gatewayPort = Number(process.env.CARGO_GATEWAY_PORT ?? 8080);
const stripePort = Number(process.env.CARGO_STRIPE_PORT ?? 12111);

console.log("Starting the Cargo VPN local stack…");
// GATEWAY_ALLOW_LOOPBACK=1 (the gateway's own name for it) lets the gateway reach servers on this machine,
// for trying the tunnel against a local site. CARGO_ALLOW_LOOPBACK, its old name here, is read for one more release.
if (process.env.CARGO_ALLOW_LOOPBACK !== undefined) {
  console.warn(
    "CARGO_ALLOW_LOOPBACK is renamed GATEWAY_ALLOW_LOOPBACK (the gateway's own variable); the old name stops working in the next release.",
  );
}
const allowLoopback = (process.env.GATEWAY_ALLOW_LOOPBACK ?? process.env.CARGO_ALLOW_LOOPBACK) === "1";
// CARGO_SECOND_GATEWAY=1: a second location (its own gateway process), to try per-site locations.
const secondGateway = process.env.CARGO_SECOND_GATEWAY === "1";
const secondGatewayPort = Number(process.env.CARGO_GATEWAY_2_PORT ?? 8081);
const stack = await startStack({ workerPort, gatewayPort, stripePort, allowLoopback, secondGateway, secondGatewayPort });
console.log(`  API      ${stack.apiUrl}  (try: curl ${stack.apiUrl}/v1/health)`);
console.log(`  pages    ${stack.pagesUrl}/account/…  (the API's own pages, on localhost so Chrome makes passkeys there)`);
console.log(`  gateway  http://127.0.0.1:${stack.proxy.port}  (location ${stack.gatewayId})`);
if (stack.secondGateway)
  console.log(`  gateway  http://127.0.0.1:${stack.secondGateway.proxy.port}  (location ${stack.secondGateway.gatewayId}, the second)`);
console.log(`  stripe   ${stack.stripe.url}  (local Stripe stand-in: hosted Checkout and Portal pages, signed webhooks)`);
console.log(`  mail     ${stack.mailDir}  (every message the API sends, one file each)`);

// pnpm hands its children a setting npm does not know, and npx would warn about it ("Unknown env config").
const { npm_config_verify_deps_before_run: _pnpmOnly, ...inherited } = process.env;
const extension = spawnSync("npx", ["--yes", "pnpm@10.34.9", "--filter", "@cargo-vpn/extension", "run", "build"], {
  cwd: ROOT,
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...inherited, WXT_API_URL: stack.apiUrl },
});
if (extension.status === 0) {
  console.log(`  extension built: ${join(ROOT, "extension/.output/chrome-mv3")}`);
  console.log("           load it unpacked at chrome://extensions (Developer mode → Load unpacked)");
} else {
  console.log("  extension build failed (see above); the API and gateway are running anyway");
}
console.log("Press Ctrl-C to stop.");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping…");
  await stack.stop();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
