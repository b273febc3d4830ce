// Edge POST /events acknowledgement latency over real HTTP on loopback to the worker in workerd
// with its per-key Durable Objects (in-memory storage, as Miniflare gives it). Bounded:
// REQUESTS batches per shape (default 2000), one connection, then stops; only 127.0.0.1.
//   node bench/events-load.mjs            (scripts/build-edge.sh first)
// Shapes: 1 event (1 key), 10 events (1 key), 100 events over 5 keys. Events are new (accepted)
// and go to KEYS (200) rotating session keys, so every ack includes a storage put per key.
// Then POST /recommend with the reco cross-shell model (or RECO_MODEL=file): {session_id} over
// the same warm keys (a Durable Object lookup per request) and, for comparison, the same number
// of {clicks: [3 items]} (no lookup). ONLY=events|recommend runs one part; PERSIST=dir keeps the
// objects' SQLite files there (e.g. on tmpfs, to see what the disk's fsync costs).
// DIRECT=1 and CLIENT=raw as in bench/edge-load.mjs: the worker's own socket (no Miniflare entry
// worker in front) and a raw keep-alive client instead of node:http's Agent.
// Prints JSON: p50/p90/p99/max in ms and requests per second, with the machine's load average.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { DEV_ADMIN_TOKEN, startEdge } from "../tests/support/edge.mjs";
import { RawConnection } from "./raw-client.mjs";

const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const KEYS = Number(process.env.KEYS ?? 200);
const { mf, url } = await startEdge({ build: process.env.EDGE_BUILD, persist: process.env.PERSIST ?? false, direct: !!process.env.DIRECT });
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const raw = process.env.CLIENT === "raw" ? await RawConnection.open(Number(base.port)) : null;

const ONLY = process.env.ONLY;
const MODEL = readFileSync(process.env.RECO_MODEL ?? new URL("../core/test_data/reco/cross-shell/model.spur", import.meta.url));

function send(body, path = "/events", method = "POST", headers = {}) {
  if (raw) {
    const extra = Object.entries({ "content-type": "application/json", ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    return raw.send(method, path, body, extra).then((r) => {
      if (r.status !== 200) throw new Error(`${r.status} ${r.body}`);
      return r.body;
    });
  }
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: base.port, path, method, agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? ok(Buffer.concat(chunks)) : fail(new Error(`${res.statusCode} ${Buffer.concat(chunks)}`))));
    });
    req.on("error", fail);
    req.end(body);
  });
}

let seq = 0;
let batches = 0;
/** `events` new events over `keys` session keys (of KEYS rotating ones). */
function batch(events, keys) {
  const t = Date.parse("2024-05-01T10:00:00Z");
  const first = (batches++ * keys) % KEYS;
  return JSON.stringify(Array.from({ length: events }, (_, i) => {
    seq++;
    return { id: `b${seq}`, key: `s${(first + (i % keys)) % KEYS}`, time: t + seq, type: "view", item: `p${seq % 97}`, value: seq % 50 };
  }));
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const r2 = (x) => Math.round(x * 100) / 100;
/** Time REQUESTS calls of `next()` (a request body) to `path`, after 200 warm-up calls. */
async function timed(label, path, next) {
  for (let i = 0; i < 200; i++) await send(next(i), path);
  const ms = [];
  const start = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const body = next(i);
    const t0 = performance.now();
    await send(body, path);
    ms.push(performance.now() - t0);
  }
  const wall = (performance.now() - start) / 1000;
  ms.sort((a, b) => a - b);
  console.error(`${label}: done`);
  return { label, requests: REQUESTS, p50: r2(pct(ms, 50)), p90: r2(pct(ms, 90)), p99: r2(pct(ms, 99)), max: r2(ms.at(-1)), per_s: Math.round(REQUESTS / wall), load_1min: r2(loadavg()[0]) };
}
const results = [];
try {
  for (const [events, keys] of ONLY === "recommend" ? [] : [[1, 1], [10, 1], [100, 5]]) {
    for (let i = 0; i < 200; i++) await send(batch(events, keys)); // warm-up: objects created
    const ms = [];
    const start = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      const body = batch(events, keys);
      const t0 = performance.now();
      await send(body);
      ms.push(performance.now() - t0);
    }
    const wall = (performance.now() - start) / 1000;
    ms.sort((a, b) => a - b);
    const r = (x) => Math.round(x * 100) / 100;
    console.error(`${events} events per batch: done`);
    results.push({ events_per_batch: events, requests: REQUESTS, p50: r(pct(ms, 50)), p90: r(pct(ms, 90)), p99: r(pct(ms, 99)), max: r(ms.at(-1)), per_s: Math.round(REQUESTS / wall), load_1min: r2(loadavg()[0]) });
  }
  if (ONLY !== "events") {
    await send(MODEL, "/admin/model", "PUT", { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/octet-stream" });
    // 20 sessions with 3 views and a cart each (objects created and warm before timing)
    const sessions = 20;
    const t = Date.parse("2024-05-01T10:00:00Z");
    const items = ["P00003", "P00120", "P00011", "P00010"];
    await send(JSON.stringify(Array.from({ length: sessions * 4 }, (_, i) => ({
      id: `r${i}`, key: `rs${Math.floor(i / 4)}`, time: t + i, type: i % 4 === 3 ? "cart" : "view", item: items[i % 4] }))));
    const check = JSON.parse(await send(JSON.stringify({ session_id: "rs0" }), "/recommend"));
    if (check.session?.clicks_from_store !== 4 || !check.items.length) throw new Error(`unexpected /recommend answer: ${JSON.stringify(check)}`);
    results.push(await timed("recommend {session_id} (object lookup)", "/recommend", (i) => JSON.stringify({ session_id: `rs${i % sessions}`, k: 10 })));
    results.push(await timed("recommend {clicks} (no lookup)", "/recommend", () => JSON.stringify({ clicks: items.slice(0, 3), basket: ["P00010"], k: 10 })));
  }
} finally {
  raw?.close();
  await mf.dispose();
}
console.log(JSON.stringify({ direct: !!process.env.DIRECT, client: raw ? "raw" : "node:http", loadavg: loadavg().map((x) => Math.round(x * 100) / 100), results }, null, 1));
