// Edge end-to-end for the recommender in workerd: the reco cross-shell fixture answered by
// POST /recommend (the "workerd" leg of the cross-shell acceptance: same artifact, same bodies,
// same answers as core natively, the CLI and the browser), the feature store (NDJSON upload with
// bad lines, read back, used by /recommend), the hostile table of
// core/test_data/edge/reco-requests.json (which core's native tests run too) with KV and the
// model in service unchanged after it, and a hot swap under a loop of /recommend requests.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdge } from "../support/edge.mjs";
import { rawRequest } from "../support/raw-http.mjs";

const FIXTURES = new URL("../../core/test_data/reco/cross-shell/", import.meta.url);
const MODEL = readFileSync(new URL("model.spur", FIXTURES));
const REQUESTS = JSON.parse(readFileSync(new URL("requests.json", FIXTURES), "utf8"));
const EXPECTED = JSON.parse(readFileSync(new URL("expected.json", FIXTURES), "utf8"));
const TABLE = JSON.parse(readFileSync(new URL("../../core/test_data/edge/reco-requests.json", import.meta.url), "utf8"));
const TARGET = process.env.CARGO_TARGET_DIR ?? new URL("../../target", import.meta.url).pathname;
const SPUR = join(TARGET, "debug", "spur");
const TOKEN = "0123456789abcdef0123456789abcdef-test"; // the token the table's cases assume
const AUTH = { authorization: `Bearer ${TOKEN}` };
const shaOf = (b) => createHash("sha256").update(b.subarray(0, b.length - 32)).digest("hex");
let edge;

// MODEL_CHECK_SECONDS=0: every request reads the reco pointer, so a swap shows at once.
before(async () => {
  edge = await startEdge({ adminToken: TOKEN, vars: { ALLOWED_ORIGINS: "https://app.example", MODEL_CHECK_SECONDS: "0" } });
});
after(async () => { await edge?.mf.dispose(); });

async function call(method, path, body, headers = {}) {
  const res = await edge.mf.dispatchFetch(new URL(path, edge.url), { method, body, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
}
const recommend = (body) => call("POST", "/recommend", JSON.stringify(body), { "content-type": "application/json" });

test("no reco model: /recommend answers 200 degraded no_model", async () => {
  const r = await recommend({ clicks: ["P00003"] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.degraded, "no_model");
  assert.deepEqual(r.json.items, []);
  assert.equal(r.json.model, null);
});

test("the cross-shell reco fixture: PUT it, /recommend answers what core answers natively", async () => {
  const up = await call("PUT", "/admin/model", MODEL, AUTH);
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.model.kind, "reco");
  assert.equal(up.json.model.sha256, shaOf(MODEL));
  assert.equal(REQUESTS.length, EXPECTED.length);
  for (const [i, body] of REQUESTS.entries()) {
    const r = await recommend(body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.model.kind, "reco");
    assert.equal(r.json.model.sha256, shaOf(MODEL));
    assert.deepEqual(r.json.items, EXPECTED[i].items, `request ${i}`);
    assert.equal(r.json.degraded, EXPECTED[i].degraded, `request ${i}`);
    assert.equal(r.json.profile, EXPECTED[i].profile, `request ${i}`);
  }
  const health = await call("GET", "/health");
  assert.equal(health.json.models.reco.sha256, shaOf(MODEL));
});

test("profiles: NDJSON upload stores the valid lines, lists the bad ones, /recommend uses them", async () => {
  const ndjson = [
    JSON.stringify({ customer_id: "c1", preferred_categories: ["C03"] }),
    '{"customer_id": 7}',
    "",
    JSON.stringify({ customer_id: "c 2/ü" }),
    "not json",
  ].join("\n");
  const r = await call("PUT", "/admin/profiles", ndjson, AUTH);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.accepted, 2);
  assert.deepEqual(r.json.rejected.map((x) => x.line), [2, 5]);
  const kv = await edge.mf.getKVNamespace("SPUR_MODELS");
  assert.deepEqual(JSON.parse(await kv.get("profile:c1")), { customer_id: "c1", preferred_categories: ["C03"] });
  const got = await call("GET", "/admin/profiles/c1", undefined, AUTH);
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json.preferred_categories, ["C03"]);
  const escaped = await call("GET", `/admin/profiles/${encodeURIComponent("c 2/ü")}`, undefined, AUTH);
  assert.equal(escaped.status, 200, escaped.text);
  assert.equal(escaped.json.customer_id, "c 2/ü");
  assert.equal((await recommend({ customer_id: "c1", clicks: ["P00003"] })).json.profile, true);
  assert.equal((await recommend({ customer_id: "nobody", clicks: ["P00003"] })).json.profile, false);
});

/** The body a table case describes (core's tests_reco.rs builds the same). */
function bodyOf(c) {
  if (c.raw_repeat) return c.raw_repeat[0].repeat(c.raw_repeat[1]);
  if (c.raw_bytes) return Buffer.from(c.raw_bytes);
  if (c.json_array) {
    const { base, field, item, string, n } = c.json_array;
    return JSON.stringify({ ...base, [field]: string !== undefined ? string.repeat(n) : Array(n).fill(item) });
  }
  if (c.lines) return Array(c.lines[1]).fill(c.lines[0]).join("\n");
  if (c.body === undefined) return undefined;
  return typeof c.body === "string" ? c.body : JSON.stringify(c.body);
}

async function kvSnapshot() {
  const kv = await edge.mf.getKVNamespace("SPUR_MODELS");
  const out = {};
  for (const { name } of (await kv.list()).keys) out[name] = shaOf(Buffer.from(await kv.get(name, "arrayBuffer")));
  return out;
}

test("hostile requests on every new endpoint: 4xx JSON, nothing changes", async () => {
  const before = await kvSnapshot();
  const serving = (await call("GET", "/health")).json.models.reco.sha256;
  for (const c of TABLE) {
    const headers = { "content-type": "application/json", ...(c.headers ?? {}) };
    if (c.auth === undefined) Object.assign(headers, AUTH);
    else if (c.auth !== null) headers.authorization = c.auth;
    const path = c.path_repeat ? c.path_repeat[0] + c.path_repeat[1].repeat(c.path_repeat[2]) : c.path;
    const body = c.method === "GET" || c.method === "HEAD" ? undefined : bodyOf(c);
    const r = await call(c.method, path, body, headers);
    assert.equal(r.status, c.status, `${c.name}: ${r.text}`);
    for (const [k, v] of Object.entries(c.response_headers ?? {})) assert.equal(r.headers.get(k), v, `${c.name}: header ${k}`);
    if (c.empty_body) assert.equal(r.text, "", c.name);
    if (c.code) {
      assert.match(r.headers.get("content-type") ?? "", /application\/json/, c.name);
      assert.equal(r.json.error.code, c.code, `${c.name}: ${r.text}`);
      assert.ok(r.json.error.message.length > 10, c.name);
      assert.ok(r.text.length < 2000, `${c.name}: echoed input is capped`);
    }
    if (c.message_contains) assert.ok(r.json.error.message.includes(c.message_contains), `${c.name}: names ${c.message_contains}: ${r.text}`);
  }
  assert.deepEqual(await kvSnapshot(), before, "KV is unchanged");
  assert.equal((await call("GET", "/health")).json.models.reco.sha256, serving);
});

test("chunked bodies without Content-Length stop at the limit on the new endpoints", async () => {
  const chunk = Buffer.alloc(64 * 1024, " ");
  const reco = await rawRequest(edge.url, "POST /recommend HTTP/1.1", Array(3).fill(chunk), { chunked: true });
  assert.equal(reco.status, 413, reco.body);
  assert.equal(JSON.parse(reco.body).error.code, "body_too_large");
  const profiles = await rawRequest(edge.url, `PUT /admin/profiles HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}`,
    Array(17).fill(chunk), { chunked: true });
  assert.equal(profiles.status, 413, profiles.body);
  assert.equal(JSON.parse(profiles.body).error.code, "body_too_large");
  const over = await rawRequest(edge.url, "POST /recommend HTTP/1.1\r\nContent-Length: 131073", ["{}"]);
  assert.equal(over.status, 413, over.body);
});

test("hot swap under a loop of /recommend requests: no failed request, answers move to the new SHA", async (t) => {
  assert.ok(existsSync(SPUR), `${SPUR} is missing: build the CLI first (cargo build -p spur)`);
  const dir = mkdtempSync(join(tmpdir(), "spur-recoedge-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(SPUR, ["reco", "generate", "-o", join(dir, "shop"), "--sessions", "1500", "--items", "300", "--seed", "9"], { stdio: "ignore" });
  execFileSync(SPUR, ["reco", "train", join(dir, "shop", "clicks.csv"), "--session", "session_id", "--item", "item_id", "--time", "timestamp", "-o", join(dir, "m.spur")], { stdio: "ignore" });
  const next = readFileSync(join(dir, "m.spur"));
  const old = shaOf(MODEL);
  assert.equal((await recommend(REQUESTS[0])).json.model.sha256, old);
  const seen = [];
  let swapped = false;
  const loop = (async () => {
    // Bounded: until a few answers after the swap, at most 400 requests.
    for (let i = 0, after = 0; i < 400 && after < 10; i++) {
      const r = await recommend(REQUESTS[0]);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length > 0);
      seen.push(r.json.model.sha256);
      if (swapped) after++;
    }
  })();
  const parallel = Array.from({ length: 30 }, () => recommend(REQUESTS[1]));
  const up = await call("PUT", "/admin/model", next, AUTH);
  swapped = true;
  assert.equal(up.status, 200, up.text);
  const rest = await Promise.all(parallel);
  await loop;
  for (const r of rest) assert.equal(r.status, 200, r.text);
  assert.ok(seen.every((s) => s === old || s === shaOf(next)), "only the two models answered");
  const first = seen.indexOf(shaOf(next));
  assert.ok(first >= 0, "answers switched to the new model");
  assert.ok(seen.slice(first).every((s) => s === shaOf(next)), "never back to the old model");
  assert.equal((await recommend(REQUESTS[0])).json.model.sha256, shaOf(next));
});
