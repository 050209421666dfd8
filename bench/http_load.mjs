// Fallback HTTP load generator for bench/load.py when `wrk` is not installed and cannot be: C concurrent
// keep-alive GET loops against one URL for S seconds. Prints one JSON line: rps, latency p50/p99/max, non-2xx.
//
//   node http_load.mjs --url http://127.0.0.1:5000/c/<token> --connections 200 --seconds 10
//
// Loopback only: refuses any host other than 127.0.0.1 / localhost.

import http from "node:http";
import { performance } from "node:perf_hooks";

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  return i < 0 ? fallback : process.argv[i + 1];
}

const target = new URL(arg("url", "http://127.0.0.1:5000/"));
if (!["127.0.0.1", "localhost"].includes(target.hostname)) {
  console.error("http_load.mjs: loopback targets only");
  process.exit(2);
}
const C = parseInt(arg("connections", "200"), 10);
const SECONDS = parseFloat(arg("seconds", "10"));
const agent = new http.Agent({ keepAlive: true, maxSockets: C });

const latencies = [];
let ok = 0;
let non2xx = 0;
let errors = 0;
const start = performance.now();
const end = start + SECONDS * 1000;

function once() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get(target, { agent }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(performance.now() - t0);
        if (res.statusCode >= 200 && res.statusCode < 300) ok += 1;
        else non2xx += 1;
        resolve();
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error("timeout")));
    req.on("error", () => {
      errors += 1;
      resolve();
    });
  });
}

async function loop() {
  while (performance.now() < end) await once();
}

await Promise.all(Array.from({ length: C }, loop));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : null);
console.log(
  JSON.stringify({
    tool: "node http_load.mjs",
    requests: latencies.length,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
    max_ms: latencies.length ? latencies[latencies.length - 1] : null,
    ok,
    non2xx,
    errors,
  }),
);
agent.destroy();
