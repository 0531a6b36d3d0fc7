/**
 * `npm run bench`: every benchmark, each figure next to its baseline from the
 * same run (API routes against a bare route on the same workerd; gateway
 * throughput against a direct loopback download). `npm run bench -- api` or
 * `-- gateway` runs one; `-- capacity` measures the write paths the capacity
 * plan (docs/capacity.md) rests on; `-- scale [seconds] [accounts]` (only
 * when asked for: it takes minutes) drives the usage path at 10,000 accounts.
 */
import { printApiFigures, runApiBench } from "./bench/api.ts";

const only = process.argv[2];

if (!only || only === "api") printApiFigures(await runApiBench());
if (!only || only === "gateway") {
  const { runGatewayBench } = await import("@cargo-vpn/gateway/bench/throughput");
  await runGatewayBench();
}
// `-- gateway-workers`: the gateway on 2 worker processes against 1 (gateway/bench/workers.ts).
if (!only || only === "gateway-workers") {
  const { runWorkersBench } = await import("@cargo-vpn/gateway/bench/workers");
  await runWorkersBench();
}
if (!only || only === "capacity") {
  const { printCapacityFigures, runCapacityBench } = await import("./bench/capacity.ts");
  printCapacityFigures(await runCapacityBench());
}
if (only === "scale") {
  const { printScaleFigures, runScaleBench } = await import("./bench/scale.ts");
  const [seconds, accounts, activity] = [process.argv[3], process.argv[4], process.argv[5]].map((arg) => (arg ? Number(arg) : undefined));
  printScaleFigures(await runScaleBench(seconds, accounts, activity));
}
