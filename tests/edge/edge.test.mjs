// Edge end-to-end: the built worker in real workerd (Miniflare), driven over a table of cases.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startEdge } from "../support/edge.mjs";

const cases = JSON.parse(readFileSync(new URL("./cases.json", import.meta.url), "utf8"));
let edge;

before(async () => { edge = await startEdge(); });
after(async () => { await edge?.mf.dispose(); });

function bodyOf(c) {
  if (c.raw !== undefined) return c.raw;
  if (c.raw_repeat) return c.raw_repeat[0].repeat(c.raw_repeat[1]);
  if (c.body_leads) return JSON.stringify({ leads: Array.from({ length: c.body_leads }, (_, i) => ({ id: `l${i}` })) });
  if (c.body !== undefined) return JSON.stringify(c.body);
  return undefined;
}

for (const c of cases) {
  test(c.name, async () => {
    const res = await edge.mf.dispatchFetch(new URL(c.path, edge.url), {
      method: c.method, body: bodyOf(c), headers: { "content-type": "application/json" },
    });
    const text = await res.text();
    assert.equal(res.status, c.status, `status for ${c.method} ${c.path}: ${text}`);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const json = JSON.parse(text);
    if (c.json) for (const [k, v] of Object.entries(c.json)) assert.deepEqual(json[k], v, `field ${k}`);
    if (c.status >= 400) {
      assert.deepEqual(Object.keys(json), ["error"], "errors are {\"error\":{...}} only");
      assert.equal(typeof json.error.message, "string");
      assert.ok(json.error.message.length > 10, "the message says what to do");
      assert.equal(json.error.code, c.code);
      if (c.message_contains) assert.ok(json.error.message.includes(c.message_contains), json.error.message);
    }
  });
}

test("survives a burst of hostile bodies and still answers", async () => {
  const junk = ["{", "null", "\u0000\u0001", "{\"leads\":{}}", "{\"leads\":[1]}", "[[[[[[[[[[[[", "\"x\"", "1e999999"];
  for (const body of junk) {
    const res = await edge.mf.dispatchFetch(new URL("/leads/score", edge.url), { method: "POST", body });
    assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(body)} → ${res.status}`);
    await res.text();
  }
  const health = await edge.mf.dispatchFetch(new URL("/health", edge.url));
  assert.equal(health.status, 200);
  await health.text();
});
