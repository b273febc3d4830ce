// POST /events end-to-end: the built worker in real workerd (Miniflare) with its per-key Durable
// Objects. Counts per batch, de-duplication within and across batches, hostile batches, the
// features an object serves to /recommend, and a restart in the middle of a stream with
// persisted object storage (resend what was not acknowledged: nothing lost, nothing counted
// twice), checked against `spur stream` on the same events (CLI vs edge).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdge } from "../support/edge.mjs";
import { spur } from "../support/cli.mjs";

const T0 = Date.parse("2024-05-01T10:00:00Z");
let edge;
before(async () => { edge = await startEdge(); });
after(async () => { await edge?.mf.dispose(); });

const post = (e, body) =>
  fetch(new URL("/events", e.url), { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

async function ack(e, body) {
  const res = await post(e, body);
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

/** The features an object serves (what /recommend reads), straight from the namespace. */
async function features(e, key) {
  const ns = await e.mf.getDurableObjectNamespace("SPUR_EVENTS");
  const res = await ns.get(ns.idFromName(key)).fetch("https://events-object/features");
  assert.equal(res.status, 200);
  return res.json();
}

test("a batch is counted; duplicates within and across batches count once", async () => {
  const batch = [
    { id: "a1", key: "t1", time: T0, type: "view", item: "p1" },
    { id: "a2", key: "t1", time: T0 + 1000, type: "cart", item: "p2", value: 19.5 },
    { id: "a1", key: "t1", time: T0, type: "view", item: "p1" },
    { id: "b1", key: "t2", time: "2024-05-01T10:00:05Z", type: "view", item: "p3" },
  ];
  const a = await ack(edge, batch);
  assert.deepEqual(
    { accepted: a.accepted, duplicates: a.duplicates, late: a.late, rejected: a.rejected, objects: a.objects },
    { accepted: 3, duplicates: 1, late: 0, rejected: 0, objects: 2 });
  const again = await ack(edge, { events: batch });
  assert.deepEqual([again.accepted, again.duplicates], [0, 4]);
  const f = await features(edge, "t1");
  assert.deepEqual(f.clicks.map((c) => c.item), ["p1", "p2"]);
  assert.equal(f.session.events, 2);
  assert.equal(f.session.value, 19.5);
  assert.equal(f.session.distinct_items, 2);
});

test("hostile batches: located rejections, first-wins conflicts, refused bodies", async () => {
  const a = await ack(edge, [
    { id: "h1", key: "h", time: T0, type: "view", item: "x" },
    { id: "h2", time: T0 },
    { id: "h3", key: "h" },
    { id: "h4", key: "h", time: "next tuesday" },
    { id: "h1", key: "h", time: T0, type: "view", item: "OTHER" },
    7,
  ]);
  assert.deepEqual([a.accepted, a.duplicates, a.conflicts, a.rejected], [1, 1, 1, 4]);
  assert.deepEqual(a.rejections.map((r) => [r.index, r.field]), [[1, "key"], [2, "time"], [3, "time"], [5, ""]]);
  assert.deepEqual((await features(edge, "h")).clicks.map((c) => c.item), ["x"], "the first one wins");

  const many = Array.from({ length: 10_000 }, (_, i) => ({ id: `m${i}`, key: "m", time: T0 }));
  let res = await post(edge, many);
  assert.equal(res.status, 413);
  assert.match((await res.json()).error.code, /too_many_events|body_too_large/);
  res = await post(edge, Array.from({ length: 1001 }, (_, i) => ({ id: `m${i}`, key: "m", time: T0 })));
  assert.deepEqual([res.status, (await res.json()).error.code], [413, "too_many_events"]);
  res = await post(edge, '[{"id": "x", "key": ');
  const err = await res.json();
  assert.deepEqual([res.status, err.error.code], [400, "malformed_json"]);
  assert.match(err.error.message, /line 1, column/);
  res = await post(edge, '{"not_events": []}');
  assert.deepEqual([res.status, (await res.json()).error.code], [400, "bad_shape"]);
  res = await fetch(new URL("/events", edge.url));
  assert.deepEqual([res.status, res.headers.get("allow")], [405, "POST, OPTIONS"]);
  await res.arrayBuffer();
  // nothing of the refused batches was counted
  const m = await ack(edge, [{ id: "m0", key: "m", time: T0 }]);
  assert.equal(m.accepted, 1);
});

/** A deterministic stream: 30 keys over 20 minutes, 10 % resent copies, small disorder. */
function stream(n) {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out = [];
  for (let i = 0; i < n; i++) {
    if (i > 10 && rnd() < 0.1) { out.push({ ...out[Math.floor(rnd() * out.length)] }); continue; }
    const t = T0 + Math.floor((i / n) * 20 * 60_000 - rnd() * 20_000);
    out.push({ id: `e${i}`, key: `k${Math.floor(rnd() * 30)}`, time: t, type: rnd() < 0.2 ? "cart" : "view", item: `p${Math.floor(rnd() * 50)}`, value: Math.floor(rnd() * 100) });
  }
  return out;
}

test("restart mid-stream with persisted objects: resend the unacknowledged, nothing lost or doubled; same as spur stream", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spur-events-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const events = stream(1200);
  const batches = [];
  for (let i = 0; i < events.length; i += 100) batches.push(events.slice(i, i + 100));
  let e = await startEdge({ persist: join(dir, "do") });
  const pending = new Set(batches.keys());
  try {
    for (let b = 0; b < 6; b++) { await ack(e, batches[b]); pending.delete(b); }
    // batch 6 is in flight when workerd stops: it may or may not have been stored
    const inFlight = post(e, batches[6]).then((r) => r.status === 200 && pending.delete(6), () => {});
    await e.mf.dispose();
    await inFlight;
    e = await startEdge({ persist: join(dir, "do") });
    let resent = 0;
    for (const b of [...pending].sort((x, y) => x - y)) {
      const a = await ack(e, batches[b]);
      assert.equal(a.accepted + a.duplicates + a.late, batches[b].length, `batch ${b}`);
      pending.delete(b);
      resent++;
    }
    assert.ok(resent >= 5);

    // CLI vs edge: the same events through `spur stream` (one session per key, all open).
    const csv = join(dir, "events.csv");
    writeFileSync(csv, "id,key,time,type,item,value\n" + events.map((x) => [x.id, x.key, x.time, x.type, x.item, x.value].join(",")).join("\n") + "\n");
    const lines = spur("stream", csv, "--key", "key", "--time", "time", "--id", "id", "--window", "session:30m",
      "--agg", "count,sum:value,distinct:item", "--out-of-order", "1m", "--json").trim().split("\n").map((l) => JSON.parse(l));
    const windows = lines.filter((l) => l.start !== undefined && l.key !== undefined && l.count !== undefined);
    assert.ok(windows.length >= 25, `windows from spur stream: ${lines.slice(0, 3).map((l) => JSON.stringify(l)).join(" ")}`);
    const unique = new Set(events.map((x) => x.id)).size;
    let total = 0;
    for (const w of windows) {
      const f = await features(e, w.key);
      assert.ok(f.session, `key ${w.key} has an open session`);
      assert.deepEqual([f.session.start, f.session.end, f.session.events], [Date.parse(w.start), Date.parse(w.end), w.count], `key ${w.key}`);
      assert.equal(f.session.value, w["sum:value"], `key ${w.key} basket value`);
      assert.equal(f.session.distinct_items, w["distinct:item"], `key ${w.key} distinct items`);
      total += f.session.events;
    }
    assert.equal(total, unique, "every unique event counted exactly once");
    const summary = lines.find((l) => l.summary).summary;
    assert.deepEqual([summary.late, summary.duplicates], [0, events.length - unique]);
  } finally {
    await e.mf.dispose();
  }
});

/**
 * Three keys, three sessions each (2 h apart, 4–6 events 1–6 min apart), arrival order = event
 * time plus up to 20 s of jitter (inside the objects' 1 min out-of-orderness), and a few ids
 * resent right after their first copy.
 */
function sessionsFile() {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out = [];
  let n = 0;
  for (const key of ["w1", "w2", "w3"]) {
    for (let s = 0; s < 3; s++) {
      let t = T0 + s * 2 * 3_600_000 + Math.floor(rnd() * 600_000);
      const events = 4 + Math.floor(rnd() * 3);
      for (let i = 0; i < events; i++) {
        out.push({ id: `w${n++}`, key, time: t, type: rnd() < 0.3 ? "cart" : "view", item: `p${Math.floor(rnd() * 6)}`, value: Math.floor(rnd() * 50) });
        t += 60_000 + Math.floor(rnd() * 300_000);
      }
    }
  }
  const arrival = out.map((e) => ({ e, at: e.time + rnd() * 20_000 })).sort((a, b) => a.at - b.at).map((x) => x.e);
  for (const i of [5, 17, 30]) arrival.splice(i + 1, 0, { ...arrival[i] });
  return arrival;
}

test("cross-shell windows: spur stream on a file and POST /events to the objects give the same sessions", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spur-windows-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const events = sessionsFile();
  for (let i = 0; i < events.length; i += 7) await ack(edge, events.slice(i, i + 7));
  const csv = join(dir, "events.csv");
  writeFileSync(csv, "id,key,time,type,item,value\n" + events.map((x) => [x.id, x.key, new Date(x.time).toISOString(), x.type, x.item, x.value].join(",")).join("\n") + "\n");
  const lines = spur("stream", csv, "--key", "key", "--time", "time", "--id", "id", "--window", "session:30m",
    "--agg", "count,sum:value,distinct:item,topk:type:10", "--out-of-order", "1m", "--json").trim().split("\n").map((l) => JSON.parse(l));
  const summary = lines.find((l) => l.summary).summary;
  assert.deepEqual([summary.duplicates, summary.late, summary.updates], [3, 0, 0]);
  const cli = (key) => lines.filter((l) => l.key === key && l.start !== undefined)
    .map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end), events: w.count, value: w["sum:value"], distinct_items: w["distinct:item"], types: w["topk:type:10"].map((x) => [x.value, x.count]) }))
    .sort((a, b) => a.start - b.start);
  for (const key of ["w1", "w2", "w3"]) {
    const f = await features(edge, key);
    const { start, end, events: n, value, distinct_items, types } = f.session ?? {};
    const object = [...f.closed, { start, end, events: n, value, distinct_items, types }]
      .map(({ start, end, events, value, distinct_items, types }) => ({ start, end, events, value, distinct_items, types }));
    assert.equal(f.closed.length, 2, `key ${key}: two sessions closed by the watermark, one open`);
    assert.deepEqual(object, cli(key), `key ${key}`);
  }
});
