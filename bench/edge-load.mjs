// Edge /leads/score latency under load, over real HTTP on loopback to the worker in workerd.
// Bounded: REQUESTS requests per run (default 5000) at each of CONCURRENCY connections
// (default "1,16"), then stops; only 127.0.0.1 is contacted.
//   node bench/edge-load.mjs [MODEL] [LEADS_JSON]     (scripts/build-edge.sh first)
//   BATCHES=1 also measures the fixture batch and 1,000-lead bodies; FLOOR=1 also measures a
//   bodiless GET of an unknown path (the runtime's own round trip); EDGE_BUILD=dir/ measures
//   another bundle (e.g. an older commit's worker/build/); RECO_MODEL=model.spur also PUTs that
//   reco artifact and measures POST /recommend (3 clicks, k = 10) at each concurrency.
//   DIRECT=1 talks to the worker's own socket (Miniflare's unsafeDirectSockets) instead of
//   through Miniflare's entry worker; CLIENT=raw uses bench/raw-client.mjs (one keep-alive raw
//   socket per connection) instead of Node's http.Agent, whose own overhead is ~0.1 ms.
// Prints JSON: p50/p90/p99/max in ms and requests per second, with the machine's load average.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { startEdge } from "../tests/support/edge.mjs";
import { RawConnection } from "./raw-client.mjs";

const fixtures = new URL("../core/test_data/leads/cross-shell/", import.meta.url);
const model = readFileSync(process.argv[2] ?? new URL("model.spur", fixtures));
const batch = JSON.parse(readFileSync(process.argv[3] ?? new URL("leads.json", fixtures), "utf8")).leads;
const REQUESTS = Number(process.env.REQUESTS ?? 5000);
const CONCURRENCY = (process.env.CONCURRENCY ?? "1,16").split(",").map(Number);
const TOKEN = "bench-admin-token-0123456789abcdef-local";

const DIRECT = !!process.env.DIRECT;
const RAW = process.env.CLIENT === "raw";
const { mf, url } = await startEdge({ adminToken: TOKEN, build: process.env.EDGE_BUILD, direct: DIRECT });
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...CONCURRENCY) });

function send(path, method, body, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: base.port, path, method, agent,
      headers: { "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end(body);
  });
}

async function run(label, body, concurrency, count = REQUESTS, [path, method] = ["/leads/score", "POST"]) {
  for (let i = 0; i < 200; i++) await send(path, method, body); // warm the isolate
  const latencies = [];
  let next = 0, failed = 0;
  const conns = RAW ? await Promise.all(Array.from({ length: concurrency }, () => RawConnection.open(Number(base.port)))) : [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, c) => {
    while (next++ < count) {
      const t = performance.now();
      const r = RAW
        ? await conns[c].send(method, path, body, "Content-Type: application/json\r\n")
        : await send(path, method, body, { "content-type": "application/json" });
      latencies.push(performance.now() - t);
      if (r.status !== (path === "/nope" ? 404 : 200)) failed++;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of conns) c.close();
  latencies.sort((a, b) => a - b);
  const q = (p) => +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(3);
  return { label, requests: latencies.length, failed, concurrency,
    p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: q(1), requests_per_s: Math.round(latencies.length / seconds),
    load_1min: +loadavg()[0].toFixed(2) };
}

try {
  const up = await send("/admin/model", "PUT", model, { authorization: `Bearer ${TOKEN}` });
  if (up.status !== 200) throw new Error(`model upload failed: ${up.status} ${up.body}`);
  const results = [];
  let recoBody;
  if (process.env.RECO_MODEL) {
    const reco = readFileSync(process.env.RECO_MODEL);
    const t = performance.now();
    const put = await send("/admin/model", "PUT", reco, { authorization: `Bearer ${TOKEN}` });
    if (put.status !== 200) throw new Error(`reco model upload failed: ${put.status} ${put.body}`);
    results.push({ label: "PUT reco model", bytes: reco.length, ms: Math.round(performance.now() - t) });
    recoBody = JSON.stringify({ clicks: ["P00003", "P00120", "P01000"], k: 10 });
  }
  for (const c of CONCURRENCY) {
    if (recoBody) results.push(await run("POST /recommend", recoBody, c, REQUESTS, ["/recommend", "POST"]));
    if (process.env.FLOOR) results.push(await run("GET /nope (404, floor)", "", c, REQUESTS, ["/nope", "GET"]));
    results.push(await run("1 lead", JSON.stringify(batch[0]), c));
    if (process.env.BATCHES) {
      results.push(await run(`${batch.length} leads`, JSON.stringify({ leads: batch }), c));
      const thousand = { leads: Array.from({ length: 1000 }, (_, i) => ({ ...batch[i % batch.length], id: `b${i}` })) };
      results.push(await run("1000 leads", JSON.stringify(thousand), c, Math.min(REQUESTS, 500)));
    }
  }
  console.log(JSON.stringify({ tool: "spur-edge via Miniflare/workerd, HTTP on 127.0.0.1",
    socket: DIRECT ? "worker's own (unsafeDirectSockets)" : "Miniflare entry worker", client: RAW ? "raw keep-alive socket" : "node:http Agent",
    build: process.env.EDGE_BUILD ?? "worker/build/", load_before: loadavg().map((l) => +l.toFixed(2)), results }, null, 1));
} finally {
  agent.destroy();
  await mf.dispose();
}
