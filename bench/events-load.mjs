// Edge POST /events acknowledgement latency over real HTTP on loopback to the worker in workerd
// with its per-key Durable Objects (in-memory storage, as Miniflare gives it). Bounded:
// REQUESTS batches per shape (default 2000), one connection, then stops; only 127.0.0.1.
//   node bench/events-load.mjs            (scripts/build-edge.sh first)
// Shapes: 1 event (1 key), 10 events (1 key), 100 events over 5 keys. Events are new (accepted)
// and go to KEYS (200) rotating session keys, so every ack includes a storage put per key.
// Prints JSON: p50/p90/p99/max in ms and batches per second, with the machine's load average.
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { startEdge } from "../tests/support/edge.mjs";

const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const KEYS = Number(process.env.KEYS ?? 200);
const { mf, url } = await startEdge({ build: process.env.EDGE_BUILD });
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(body) {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: base.port, path: "/events", method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? ok() : fail(new Error(`${res.statusCode} ${Buffer.concat(chunks)}`))));
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
const results = [];
try {
  for (const [events, keys] of [[1, 1], [10, 1], [100, 5]]) {
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
    results.push({ events_per_batch: events, requests: REQUESTS, p50: r(pct(ms, 50)), p90: r(pct(ms, 90)), p99: r(pct(ms, 99)), max: r(ms.at(-1)), per_s: Math.round(REQUESTS / wall) });
  }
} finally {
  await mf.dispose();
}
console.log(JSON.stringify({ loadavg: loadavg().map((x) => Math.round(x * 100) / 100), results }, null, 1));
