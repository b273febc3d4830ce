// Edge /leads/score latency under load, over real HTTP on loopback to the worker in workerd.
// Bounded: REQUESTS requests (default 5000) at CONCURRENCY (default 16) connections, then stops.
//   node bench/edge-load.mjs [MODEL] [LEADS_JSON]     (scripts/build-edge.sh first)
// Prints JSON: p50/p90/p99/max in ms and requests per second, for 1 lead and for batches.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { startEdge } from "../tests/support/edge.mjs";

const fixtures = new URL("../core/test_data/leads/cross-shell/", import.meta.url);
const model = readFileSync(process.argv[2] ?? new URL("model.spur", fixtures));
const batch = JSON.parse(readFileSync(process.argv[3] ?? new URL("leads.json", fixtures), "utf8")).leads;
const REQUESTS = Number(process.env.REQUESTS ?? 5000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);

const { mf, url } = await startEdge({ adminToken: "bench" });
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(path, body, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: base.port, path, method: path === "/admin/model" ? "PUT" : "POST", agent,
      headers: { "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end(body);
  });
}

async function run(label, body, count = REQUESTS) {
  for (let i = 0; i < 200; i++) await post("/leads/score", body); // warm the isolate
  const latencies = [];
  let next = 0, failed = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < count) {
      const t = performance.now();
      const r = await post("/leads/score", body, { "content-type": "application/json" });
      latencies.push(performance.now() - t);
      if (r.status !== 200) failed++;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(3);
  return { label, requests: latencies.length, failed, concurrency: CONCURRENCY,
    p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: q(1), requests_per_s: Math.round(latencies.length / seconds) };
}

try {
  const up = await post("/admin/model", model, { authorization: "Bearer bench" });
  if (up.status !== 200) throw new Error(`model upload failed: ${up.status} ${up.body}`);
  const results = [
    await run("1 lead", JSON.stringify(batch[0])),
    await run(`${batch.length} leads`, JSON.stringify({ leads: batch })),
  ];
  const thousand = { leads: Array.from({ length: 1000 }, (_, i) => ({ ...batch[i % batch.length], id: `b${i}` })) };
  results.push(await run("1000 leads", JSON.stringify(thousand), Math.min(REQUESTS, 500)));
  console.log(JSON.stringify({ tool: "spur-edge via Miniflare/workerd, HTTP on 127.0.0.1", results }, null, 1));
} finally {
  agent.destroy();
  await mf.dispose();
}
