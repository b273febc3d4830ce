// Browser end-to-end for object-centric logs (issue 17). The shared OCEL 2.0 example is dropped
// in each of its three formats (JSON, XML, SQLite — SQLite is read by core's pure-Rust reader
// in the worker): the counts equal pm4py's golden file; the object-centric map draws, for each
// type, exactly the directly-follows pairs pm4py's flattening has, with their counts; unticking
// a type removes its paths; flattening on a type continues on the process screen with pm4py's
// flattened counts, and "back" returns to the types. The orders demo shows exactly the CLI's
// numbers (`spur ocel generate` + `spur ocel stats`). A large OCEL import shows its progress
// and Cancel stops it, leaving the page usable. No request leaves 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { spur } from "../support/cli.mjs";

const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const SHARED = process.env.SPUR_SHARED_DATA ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));
const FILES = ["jsonocel", "xmlocel", "sqlite"].map((ext) => ({
  ext,
  log: `${SHARED}/eventlogs/ocel20_example.${ext}`,
  golden: `${SHARED}/golden/ocel/ocel20_example.${ext}.json`,
}));
const HAVE_DATA = FILES.every((f) => existsSync(f.log) && existsSync(f.golden));
if (!HAVE_DATA && process.env.CI) {
  throw new Error(`the shared OCEL data is missing under ${SHARED}; set SPUR_SHARED_DATA to its directory`);
}
const skip = HAVE_DATA ? false : `no shared data at ${SHARED} (set SPUR_SHARED_DATA)`;

let server, browser, page, scratch;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), "spur-ocel-"));
  server = await serveStatic(new URL("../../dist/", import.meta.url).pathname);
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(server.url);
});
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const text = (sel) => page.locator(sel).innerText();
const num = async (sel) => Number((await text(sel)).replace(/[^\d]/g, ""));

/** Every drawn directly-follows edge of the map: `type|from|to` → total objects. */
async function drawnEdges() {
  return page.$$eval("#ocel-map g.oc-edge[data-kind=df]", (gs) =>
    Object.fromEntries(gs.map((g) => [
      `${g.dataset.type}|${g.dataset.from}|${g.dataset.to}`,
      Number(g.dataset.totalObjects),
    ])));
}

async function openOcel(path) {
  await page.setInputFiles("#file-input", path);
  await page.waitForSelector("#ocel", { timeout: 30_000 });
  await page.waitForSelector("#ocel-map svg.ocdfg-map", { timeout: 30_000 });
}

for (const f of FILES) {
  test(`OCEL 2.0 ${f.ext}: counts, the object-centric map and flattening equal pm4py`, { skip }, async () => {
    const golden = JSON.parse(readFileSync(f.golden, "utf8"));
    await openOcel(f.log);
    assert.equal(await num("#ocel-events"), golden.events);
    assert.equal(await num("#ocel-objects"), golden.objects);
    assert.equal(await num("#ocel-e2o"), golden.e2o);
    assert.equal(await num("#ocel-o2o"), golden.o2o);
    const table = async (sel) => Object.fromEntries(await page.$$eval(`${sel} tbody tr`, (rows) =>
      rows.map((r) => [r.cells[0].innerText.trim(), Number(r.cells[1].innerText.replace(/[^\d]/g, ""))])));
    assert.deepEqual(await table("#ocel-object-types"), golden.object_types);
    assert.deepEqual(await table("#ocel-event-types"), golden.activities);
    // Objects per event add up to every event.
    const perEvent = [...(await text("#ocel-objects-per-event")).matchAll(/(\d+) events? with/g)];
    assert.equal(perEvent.reduce((n, m) => n + Number(m[1]), 0), golden.events);

    // The map: per type, the directly-follows pairs of pm4py's flattening on it, each with the
    // number of objects that took it (pm4py's `total objects` = the flattened DFG's count).
    const types = Object.keys(golden.object_types);
    const expected = {};
    for (const t of types) {
      for (const [from, to, n] of golden.flattened[t].dfg) expected[`${t}|${from}|${to}`] = n;
    }
    assert.deepEqual(await drawnEdges(), expected);
    assert.equal(await page.getAttribute("#ocel-map", "data-types"), types.join(","));

    // Unticking a type takes its paths (and only them) off the map.
    const gone = types[0];
    await page.uncheck(`input.ocel-type-check[data-type="${gone}"]`);
    await page.waitForFunction((t) => !document.querySelector("#ocel-map")?.dataset.types.split(",").includes(t), gone);
    const left = Object.fromEntries(Object.entries(expected).filter(([k]) => !k.startsWith(`${gone}|`)));
    assert.deepEqual(await drawnEdges(), left);
    if (f.ext === "jsonocel") {
      await page.screenshot({ path: new URL("ocel-map.png", SHOTS).pathname, fullPage: true });
    }

    // Flatten on the type with the most directly-follows pairs: the process screen follows.
    const on = types.reduce((a, b) => (golden.flattened[b].dfg.length > golden.flattened[a].dfg.length ? b : a));
    await page.click(`button.ocel-flatten[data-type="${on}"]`);
    await page.waitForSelector("#summary", { timeout: 20_000 });
    assert.equal(await num("#count-events"), golden.flattened[on].events);
    assert.equal(await num("#count-cases"), golden.flattened[on].cases);
    assert.equal(await num("#count-activities"), Object.keys(golden.flattened[on].activities).length);
    assert.match(await text("#summary h2"), new RegExp(`flattened on ${on}`));
    await page.waitForSelector("svg.process-map, #map svg", { timeout: 20_000 });
    // Back to the object types without reading the file again.
    await page.click("#ocel-back");
    await page.waitForSelector("#ocel-map svg.ocdfg-map", { timeout: 20_000 });
    assert.equal(await num("#ocel-events"), golden.events);
  });
}

test("the orders demo shows exactly the CLI's numbers", async () => {
  const file = join(scratch, "orders.jsonocel");
  spur("ocel", "generate", "--orders", "1000", "--seed", "17", "-o", file);
  const cli = JSON.parse(spur("ocel", "stats", file, "--json"));
  const t0 = Date.now();
  await page.click("#load-ocel-demo");
  await page.waitForSelector("#ocel-map svg.ocdfg-map", { timeout: 30_000 });
  assert.equal(await num("#ocel-events"), cli.events);
  assert.equal(await num("#ocel-objects"), cli.objects);
  assert.equal(await num("#ocel-e2o"), cli.e2o);
  await page.click('button.ocel-flatten[data-type="order"]');
  await page.waitForSelector("#summary", { timeout: 20_000 });
  assert.equal(await num("#count-events"), cli.flattened.order.events);
  assert.equal(await num("#count-cases"), cli.flattened.order.cases);
  console.log(`BENCH ocel demo: generated, mapped and flattened in the browser in ${Date.now() - t0} ms`);
});

test("a large OCEL import shows progress and Cancel stops it", async () => {
  const file = join(scratch, "big.jsonocel");
  spur("ocel", "generate", "--orders", "30000", "--seed", "3", "-o", file);
  await page.setInputFiles("#file-input", file);
  // Events are counted as they are read (the bar is indeterminate: the readers know no bytes).
  await page.waitForFunction(() => /[1-9]\d* events read/.test(document.querySelector("#import-counts")?.innerText ?? ""), null, { timeout: 30_000 });
  await page.click("#import-cancel");
  // An object-centric log is read in one go, so the worker is restarted (after up to 1.5 s of
  // waiting for it to stop by itself).
  await page.waitForFunction(() => /cancelled/i.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 10_000 });
  assert.match(await text("#status"), /restarted empty/);
  // The page is usable.
  await page.click("#load-ocel-demo");
  await page.waitForSelector("#ocel-map svg.ocdfg-map", { timeout: 30_000 });
});

test("an OCEL file dropped with other files, and a broken one, say what to do", async () => {
  const good = `${SHARED}/eventlogs/ocel20_example.jsonocel`;
  const csv = { name: "other.csv", mimeType: "text/csv", buffer: Buffer.from("case,activity,timestamp\n1,a,2024-01-01\n") };
  if (existsSync(good)) {
    const ocel = { name: "example.jsonocel", mimeType: "application/json", buffer: readFileSync(good) };
    await page.setInputFiles("#file-input", [ocel, csv]);
    await page.waitForSelector("#error", { timeout: 20_000 });
    assert.match(await text("#error"), /opened alone/);
  }
  await page.setInputFiles("#file-input", {
    name: "broken.jsonocel", mimeType: "application/json",
    buffer: Buffer.from('{"objectTypes": [], "eventTypes": [], "objects": [], "events": [\n  {"id": "e1", "type": '),
  });
  await page.waitForSelector("#error", { timeout: 20_000 });
  const message = await text("#error");
  assert.match(message, /broken\.jsonocel/);
  assert.match(message, /line 2/);
  assert.deepEqual(offMachine(browser.requests), [], "no request may leave 127.0.0.1");
});
