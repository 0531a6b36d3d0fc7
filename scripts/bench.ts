/**
 * `npm run bench`: every benchmark, each figure next to its baseline from the
 * same run (API routes against a bare route on the same workerd; gateway
 * throughput against a direct loopback download). `npm run bench -- api` or
 * `-- gateway` runs one; `-- capacity` measures the write paths the capacity
 * plan (docs/capacity.md) rests on; `-- gateway-tls` only the TLS handshake
 * figures, with an ECDSA and an RSA certificate; `-- gateway-h2-browsers` a
 * download in real browsers over h2 and HTTP/1.1; `-- scale [seconds] [accounts]`
 * (only when asked for: it takes minutes) drives the usage path at 10,000 accounts.
 */
import { printApiFigures, runApiBench } from "./bench/api.ts";

const only = process.argv[2];

if (!only || only === "api") printApiFigures(await runApiBench());
if (!only || only === "gateway") {
  const { runGatewayBench } = await import("@cargo-vpn/gateway/bench/throughput");
  await runGatewayBench();
}
// `-- gateway-tls`: TLS handshake CPU only, gateway beside squid, ECDSA P-256 and RSA certificates (gateway/bench/tls-handshakes.ts).
if (only === "gateway-tls") {
  const { runTlsHandshakeBench } = await import("@cargo-vpn/gateway/bench/tls-handshakes");
  await runTlsHandshakeBench();
}
// h2 against HTTP/1.1 on the TLS listener (gateway/bench/h2.ts): part of `-- gateway`, or alone as `-- gateway-h2`.
if (!only || only === "gateway" || only === "gateway-h2") {
  const { runH2Bench } = await import("@cargo-vpn/gateway/bench/h2");
  await runH2Bench();
}
// `-- gateway-h2-browsers`: one large download in real Chromium and Firefox ESR through the TLS gateway, h2 against
// HTTP/1.1 (gateway/bench/h2-browsers.ts); part of `-- gateway` too, skipped for a browser that is not installed.
if (!only || only === "gateway" || only === "gateway-h2-browsers") {
  const { runH2BrowsersBench } = await import("@cargo-vpn/gateway/bench/h2-browsers");
  await runH2BrowsersBench();
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
  const where = process.argv[6] === "shm" ? "shm" : "disk";
  printScaleFigures(await runScaleBench(seconds, accounts, activity, where), where === "shm" ? "in /dev/shm" : "on disk");
}
