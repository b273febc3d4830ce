// Edge end-to-end: the lead model's life in workerd. Upload (token-guarded), scoring equal to the
// pinned cross-shell scores, refusal of bad and hostile artifacts (over HTTP and written straight
// into KV) with the serving model unchanged, forward-only swaps under concurrent uploads and
// readers, and a hot swap under concurrent scoring without a failed request.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdge } from "../support/edge.mjs";

const FIXTURES = new URL("../../core/test_data/leads/cross-shell/", import.meta.url);
const MODEL = readFileSync(new URL("model.spur", FIXTURES));
const LEADS = readFileSync(new URL("leads.json", FIXTURES), "utf8");
const EXPECTED = JSON.parse(readFileSync(new URL("expected-scores.json", FIXTURES), "utf8"));
const TARGET = process.env.CARGO_TARGET_DIR ?? new URL("../../target", import.meta.url).pathname;
const SPUR = join(TARGET, "debug", "spur");
const TOKEN = "model-test-admin-token-0123456789abcdef";
const MAX_ARTIFACT_BYTES = 24 << 20; // spur_core::model::MAX_ARTIFACT_BYTES
let edge;

// MODEL_CHECK_SECONDS=0: the isolate reads the KV pointer on every request, so bytes written
// straight into KV are seen at once.
before(async () => { edge = await startEdge({ adminToken: TOKEN, vars: { MODEL_CHECK_SECONDS: "0" } }); });
after(async () => { await edge?.mf.dispose(); });

async function call(method, path, body, headers = {}) {
  const res = await edge.mf.dispatchFetch(new URL(path, edge.url), { method, body, headers });
  return { status: res.status, json: JSON.parse(await res.text()) };
}
const put = (bytes, auth = `Bearer ${TOKEN}`) =>
  call("PUT", "/admin/model", bytes, auth ? { authorization: auth } : {});
const score = () => call("POST", "/leads/score", LEADS, { "content-type": "application/json" });
const serving = async () => (await call("GET", "/health")).json.model.version;

/** Recompute the trailing SHA-256 over everything before it: a "valid" artifact again. */
function reseal(bytes) {
  const b = Buffer.from(bytes);
  createHash("sha256").update(b.subarray(0, b.length - 32)).digest().copy(b, b.length - 32);
  return b;
}
/** The fixture with another created-at stamp (its version in the model pointer). */
function stamped(ms) {
  const b = Buffer.from(MODEL);
  b.writeBigInt64LE(BigInt(ms), 12);
  return reseal(b);
}
const createdAt = Number(MODEL.readBigInt64LE(12));

test("no model: scoring answers 503 model_unavailable", async () => {
  const r = await score();
  assert.equal(r.status, 503);
  assert.equal(r.json.error.code, "model_unavailable");
});

test("uploads need the admin token", async () => {
  assert.equal((await put(MODEL, null)).status, 401);
  for (const auth of ["Bearer nope", `Basic ${TOKEN}`, TOKEN, "Bearer", `Bearer ${TOKEN}x`]) {
    const r = await put(MODEL, auth);
    assert.equal(r.status, 401, auth);
    assert.equal(r.json.error.code, "unauthorized");
  }
  assert.equal((await call("GET", "/health")).json.model.loaded, false);
});

test("a valid artifact goes into service (lowercase bearer) and scores equal the pinned native scores", async () => {
  const up = await put(MODEL, `bearer ${TOKEN}`);
  assert.equal(up.status, 200, JSON.stringify(up.json));
  assert.equal(up.json.status, "in_service");
  assert.equal(up.json.model.kind, "leads");
  const health = await call("GET", "/health");
  assert.equal(health.json.model.loaded, true);
  assert.equal(health.json.model.version, up.json.model.version);
  assert.equal(health.json.models.leads.sha256, up.json.model.version);
  const r = await score();
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.scores.length, EXPECTED.length);
  r.json.scores.forEach((s, i) => {
    assert.equal(s.id, EXPECTED[i].id);
    assert.equal(s.segment_id, EXPECTED[i].segment_id, s.id);
    assert.ok(Math.abs(s.value - EXPECTED[i].value) <= 1e-12, `${s.id}: ${s.value} vs ${EXPECTED[i].value}`);
    assert.ok(typeof s.rule === "string" && s.rule.length > 0, "each score shows its segment's rule");
  });
});

test("bad, wrong-kind and resealed-but-hostile artifacts are refused and the model stays", async () => {
  const before = await serving();
  const flipped = Buffer.from(MODEL);
  flipped[flipped.length - 5] ^= 0xff;
  const recommender = Buffer.from(stamped(createdAt + 50));
  recommender.writeUInt16LE(2, 10);
  const unknownKind = Buffer.from(stamped(createdAt + 50));
  unknownKind.writeUInt16LE(9, 10);
  // A NaN win rate in a correctly sealed artifact: found by its exact value from a score.
  const rate = (await score()).json.scores[0].segment_win_rate;
  const needle = Buffer.alloc(8);
  needle.writeDoubleLE(rate);
  const hostile = Buffer.from(stamped(createdAt + 50));
  const at = hostile.indexOf(needle, 24);
  assert.ok(at > 0, "the win rate is in the artifact");
  hostile.writeDoubleLE(NaN, at);
  const cases = [
    [Buffer.from("not a model"), "artifact_bad_magic"],
    [MODEL.subarray(0, MODEL.length - 10), "artifact_truncated"],
    [flipped, "artifact_checksum_mismatch"],
    [Buffer.alloc(MAX_ARTIFACT_BYTES + 1), "artifact_too_large"],
    [reseal(recommender), "artifact_corrupt"],
    [reseal(unknownKind), "artifact_unknown_kind"],
    [reseal(hostile), "artifact_corrupt"],
  ];
  for (const [bytes, code] of cases) {
    const r = await put(bytes);
    assert.ok(r.status >= 400 && r.status < 500, `${code}: ${r.status}`);
    assert.equal(r.json.error.code, code, JSON.stringify(r.json));
  }
  assert.equal(await serving(), before);
  assert.equal((await score()).status, 200);
});

test("bad bytes written straight into KV are refused and the model stays", async () => {
  const kv = await edge.mf.getKVNamespace("SPUR_MODELS");
  const before = await serving();
  const good = await kv.get("model:leads:current");
  const bogus = "ab".repeat(32);
  await kv.put(`model:leads:${bogus}`, stamped(createdAt + 99)); // bytes that are not `bogus`
  const pointers = [
    "{not json",
    JSON.stringify({ kind: "reco", sha256: bogus, version: 1e15 }),
    JSON.stringify({ kind: "leads", sha256: "cd".repeat(32), version: 1e15 }), // missing artifact
    JSON.stringify({ kind: "leads", sha256: bogus, version: 1e15 }), // SHA mismatch
    JSON.stringify({ kind: "leads", sha256: bogus.slice(2), version: 1e15 }),
  ];
  for (const p of pointers) {
    await kv.put("model:leads:current", p);
    const r = await score();
    assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.model, before, p);
    assert.equal(await serving(), before, p);
  }
  await kv.put(`model:leads:${before}`, "garbage"); // the serving artifact rots in KV
  assert.equal((await score()).json.model, before, "the isolate keeps what it decoded");
  await kv.put(`model:leads:${before}`, MODEL);
  await kv.put("model:leads:current", good);
});

test("two concurrent uploads with readers in between: the newer wins, nobody goes back", async () => {
  const old = await serving();
  const a = stamped(createdAt + 1000);
  const b = stamped(createdAt + 2000);
  const shaOf = (bytes) => createHash("sha256").update(bytes.subarray(0, bytes.length - 32)).digest("hex");
  const order = [old, shaOf(a), shaOf(b)];
  const seen = [];
  const reader = (async () => {
    for (let i = 0; i < 40; i++) {
      const r = await score();
      assert.equal(r.status, 200, JSON.stringify(r.json));
      seen.push(order.indexOf(r.json.model));
    }
  })();
  const [rb, ra] = await Promise.all([put(b), put(a), reader]);
  assert.equal(rb.status, 200, JSON.stringify(rb.json));
  assert.ok(ra.status === 200 || ra.status === 409, JSON.stringify(ra.json));
  assert.ok(seen.every((s) => s >= 0), `unknown model served: ${seen}`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `went back: ${seen}`);
  assert.equal(await serving(), shaOf(b));
  const kv = await edge.mf.getKVNamespace("SPUR_MODELS");
  assert.equal(JSON.parse(await kv.get("model:leads:current")).sha256, shaOf(b), "the pointer names the newest");
  const again = await put(a);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, "model_not_newer");
  assert.equal(await serving(), shaOf(b));
});

test("hot swap under concurrent scoring drops no request", async () => {
  assert.ok(existsSync(SPUR), `${SPUR} is missing: build the CLI first (cargo build -p spur)`);
  const dir = mkdtempSync(join(tmpdir(), "spur-edge-"));
  execFileSync(SPUR, ["leads", "generate", "-o", join(dir, "l.csv"), "--rows", "3000", "--seed", "5"]);
  execFileSync(SPUR, ["leads", "train", join(dir, "l.csv"), "--outcome", "won", "--max-leaves", "4", "-o", join(dir, "m.spur")], { stdio: "ignore" });
  const second = readFileSync(join(dir, "m.spur"));
  const old = await serving();
  const scoring = Array.from({ length: 60 }, () => score());
  const swap = put(second);
  const results = await Promise.all([...scoring, swap]);
  for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.json));
  const now = await serving();
  assert.notEqual(now, old, "the new model is in service");
  assert.equal((await score()).json.model, now);
});
