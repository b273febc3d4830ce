// POST /recommend with a session_id in real workerd: the session's events go in through
// POST /events (its Durable Object stores them before the ack), then {session_id} must answer
// exactly what {clicks, basket} with the same clicks answers (same items, scores, reasons), with
// `session` saying what came from the store; an unknown session is an empty one, not an error.
// The rule (core/src/edge/session.rs): stored clicks first, then the body's; the body's basket
// first, then the stored cart items; at most 200 clicks.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startEdge } from "../support/edge.mjs";

const MODEL = readFileSync(new URL("../../core/test_data/reco/cross-shell/model.spur", import.meta.url));
const TOKEN = "0123456789abcdef0123456789abcdef-test";
const T0 = Date.parse("2024-05-01T10:00:00Z");
let edge;

before(async () => {
  edge = await startEdge({ adminToken: TOKEN, vars: { MODEL_CHECK_SECONDS: "0" } });
  const up = await call("PUT", "/admin/model", MODEL, { authorization: `Bearer ${TOKEN}` });
  assert.equal(up.status, 200, up.text);
});
after(async () => { await edge?.mf.dispose(); });

async function call(method, path, body, headers = {}) {
  const res = await fetch(new URL(path, edge.url), { method, body, headers });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}
const post = (path, body) => call("POST", path, typeof body === "string" ? body : JSON.stringify(body), { "content-type": "application/json" });

async function recommend(body) {
  const r = await post("/recommend", body);
  assert.equal(r.status, 200, `${JSON.stringify(body)}: ${r.text}`);
  return r.json;
}

/** The answer's scoring part, which must not depend on where the clicks came from. */
const scored = ({ items, degraded, profile, model }) => ({ items, degraded, profile, model });

test("recommend {session_id} equals recommend {clicks, basket} with the stored clicks", async () => {
  const ack = await post("/events", [
    { id: "1", key: "web-1", time: T0, type: "view", item: "P00003" },
    { id: "2", key: "web-1", time: T0 + 1000, type: "view", item: "P00120" },
    { id: "3", key: "web-1", time: T0 + 2000, type: "cart", item: "P00010", value: 9.5 },
    { id: "2", key: "web-1", time: T0 + 1000, type: "view", item: "P00120" },
    { id: "4", key: "web-1", time: T0 + 3000, type: "search" },
    { id: "5", key: "web-1", time: T0 - 500, type: "view", item: "P00200" },
  ]);
  assert.equal(ack.status, 200, ack.text);
  assert.deepEqual([ack.json.accepted, ack.json.duplicates], [5, 1]);
  const stored = ["P00200", "P00003", "P00120", "P00010"]; // by event time

  const cases = [
    [{ session_id: "web-1" }, { clicks: stored, basket: ["P00010"] }, [true, 4, 1]],
    [{ session_id: "web-1", clicks: ["P00011"], k: 5 }, { clicks: [...stored, "P00011"], basket: ["P00010"], k: 5 }, [true, 4, 1]],
    [{ session_id: "web-1", basket: ["P00011"], k: 20 }, { clicks: stored, basket: ["P00011", "P00010"], k: 20 }, [true, 4, 1]],
    [{ session_id: "never-seen" }, { clicks: [] }, [false, 0, 0]],
    [{ session_id: "never-seen", clicks: ["P00003"] }, { clicks: ["P00003"] }, [false, 0, 0]],
  ];
  for (const [req, same, [found, clicks, basket]] of cases) {
    const got = await recommend(req);
    const want = await recommend(same);
    assert.deepEqual(scored(got), scored(want), JSON.stringify(req));
    assert.equal(want.session, undefined);
    assert.deepEqual(got.session, { id: req.session_id, found, clicks_from_store: clicks, basket_from_store: basket }, JSON.stringify(req));
  }
  const s = await recommend({ session_id: "web-1", k: 20 });
  assert.ok(s.items.length > 0 && s.degraded === null, JSON.stringify(s));
  assert.ok(!s.items.some((i) => i.item === "P00010"), "the stored cart item is not offered back");
  assert.equal((await recommend({ session_id: "never-seen" })).degraded, "unknown_items", "an empty session, as the issue defines");

  // a new event is read by the very next /recommend (the ack means stored)
  assert.equal((await post("/events", [{ id: "6", key: "web-1", time: T0 + 4000, type: "view", item: "P00011" }])).status, 200);
  const next = await recommend({ session_id: "web-1" });
  assert.deepEqual(scored(next), scored(await recommend({ clicks: [...stored, "P00011"], basket: ["P00010"] })));
  assert.equal(next.session.clicks_from_store, 5);
});

test("hostile session ids: 4xx JSON naming the field", async () => {
  for (const [body, status, code] of [
    [JSON.stringify({ session_id: "s".repeat(257) }), 400, "invalid_field"],
    [JSON.stringify({ session_id: 7 }), 400, "invalid_field"],
    [JSON.stringify({ session_id: ["web-1"] }), 400, "invalid_field"],
    [JSON.stringify({ session_id: "" }), 400, "invalid_field"],
    [Buffer.from([...Buffer.from('{"session_id":"s'), 0xff, ...Buffer.from('"}')]), 400, "invalid_json"],
  ]) {
    const r = await call("POST", "/recommend", body, { "content-type": "application/json" });
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error.code, code, r.text);
    assert.match(r.json.error.message, /session_id/, r.text);
  }
});
