// Edge end-to-end: the lead model's life in workerd. Upload (token-guarded), scoring equal to the
// pinned cross-shell scores, refusal of bad artifacts with the previous model kept in service,
// and a hot swap under concurrent scoring without a failed request.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdge } from "../support/edge.mjs";

const FIXTURES = new URL("../../core/test_data/leads/cross-shell/", import.meta.url);
const MODEL = readFileSync(new URL("model.spur", FIXTURES));
const LEADS = readFileSync(new URL("leads.json", FIXTURES), "utf8");
const EXPECTED = JSON.parse(readFileSync(new URL("expected-scores.json", FIXTURES), "utf8"));
const SPUR = new URL("../../target/debug/spur", import.meta.url).pathname;
const TOKEN = "test-admin-token";
let edge;

before(async () => { edge = await startEdge({ adminToken: TOKEN }); });
after(async () => { await edge?.mf.dispose(); });

async function call(method, path, body, headers = {}) {
  const res = await edge.mf.dispatchFetch(new URL(path, edge.url), { method, body, headers });
  return { status: res.status, json: JSON.parse(await res.text()) };
}
const put = (bytes, token = TOKEN) =>
  call("PUT", "/admin/model", bytes, token ? { authorization: `Bearer ${token}` } : {});
const score = () => call("POST", "/leads/score", LEADS, { "content-type": "application/json" });

test("no model: scoring answers 503 model_unavailable", async () => {
  const r = await score();
  assert.equal(r.status, 503);
  assert.equal(r.json.error.code, "model_unavailable");
});

test("uploads need the admin token", async () => {
  assert.equal((await put(MODEL, null)).status, 401);
  const wrong = await put(MODEL, "nope");
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, "unauthorized");
});

test("a valid artifact goes into service and scores equal the pinned native scores", async () => {
  const up = await put(MODEL);
  assert.equal(up.status, 200, JSON.stringify(up.json));
  assert.equal(up.json.status, "in_service");
  const health = await call("GET", "/health");
  assert.equal(health.json.model.loaded, true);
  assert.equal(health.json.model.version, up.json.model.version);
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

test("bad artifacts are refused with their code and the previous model stays", async () => {
  const before = (await call("GET", "/health")).json.model.version;
  const flipped = Buffer.from(MODEL);
  flipped[flipped.length - 5] ^= 0xff;
  const cases = [
    [Buffer.from("not a model"), "artifact_bad_magic"],
    [MODEL.subarray(0, MODEL.length - 10), "artifact_truncated"],
    [flipped, "artifact_checksum_mismatch"],
    [Buffer.alloc(8 * 1024 * 1024 + 1), "artifact_too_large"],
  ];
  for (const [bytes, code] of cases) {
    const r = await put(bytes);
    assert.ok(r.status >= 400 && r.status < 500, `${code}: ${r.status}`);
    assert.equal(r.json.error.code, code, JSON.stringify(r.json));
  }
  assert.equal((await call("GET", "/health")).json.model.version, before);
  assert.equal((await score()).status, 200);
});

test("hot swap under concurrent scoring drops no request", async () => {
  assert.ok(existsSync(SPUR), `${SPUR} is missing: build the CLI first (cargo build -p spur)`);
  const dir = mkdtempSync(join(tmpdir(), "spur-edge-"));
  execFileSync(SPUR, ["leads", "generate", "-o", join(dir, "l.csv"), "--rows", "3000", "--seed", "5"]);
  execFileSync(SPUR, ["leads", "train", join(dir, "l.csv"), "--outcome", "won", "--max-leaves", "4", "-o", join(dir, "m.spur")], { stdio: "ignore" });
  const second = readFileSync(join(dir, "m.spur"));
  const old = (await call("GET", "/health")).json.model.version;
  const scoring = Array.from({ length: 60 }, () => score());
  const swap = put(second);
  const results = await Promise.all([...scoring, swap]);
  for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.json));
  const now = (await call("GET", "/health")).json.model.version;
  assert.notEqual(now, old, "the new model is in service");
  assert.equal((await score()).json.model, now);
});
