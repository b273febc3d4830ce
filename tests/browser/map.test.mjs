// Browser end-to-end for the process screen (issue 6): BPIC 2012 (262k events) is dropped on
// the file input, imported in the Web Worker, and its process map must show every activity —
// first readable (issue 15: the strongest paths only, said in words), then, with the Paths
// slider at 100 %, every directly-follows count of the golden file (pm4py). Benchmark, not a timed test: the
// import-to-map time and the longest main-thread task are printed as a `BENCH` line; the test
// fails only on a design fault (a main-thread task over 1 s). Then: click-to-filter, variants,
// statistics, export, and no request off 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";

const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const SHARED = process.env.SPUR_SHARED_DATA ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));
const LOG = `${SHARED}/eventlogs/bpic2012.xes.gz`;
const GOLDEN = `${SHARED}/golden/bpic2012.xes.gz.json`;
const HAVE_DATA = existsSync(LOG) && existsSync(GOLDEN);
if (!HAVE_DATA && process.env.CI) {
  throw new Error(`the shared data is missing (${LOG}); set SPUR_SHARED_DATA to its directory`);
}
const skip = HAVE_DATA ? false : `no shared data at ${SHARED} (set SPUR_SHARED_DATA)`;

let server, browser, page;
const golden = HAVE_DATA ? JSON.parse(readFileSync(GOLDEN, "utf8")) : null;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(new URL("../../dist/", import.meta.url).pathname);
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
const text = (sel) => page.locator(sel).innerText();
/** Show one view of the workspace's main area (`map`, `variants`, `statistics`, …). */
const pane = (name) => page.click(`#pane-tab-${name}`);

/** The map's nodes (id → activity name) and edges (`from`/`to` names, count) as drawn. */
async function drawnMap() {
  return page.evaluate(() => {
    const names = {};
    for (const g of document.querySelectorAll("#map-canvas g.node")) {
      names[g.dataset.node] = g.dataset.activity ?? g.dataset.node;
    }
    const activities = [...document.querySelectorAll("#map-canvas g.node.activity")].map((g) => g.dataset.activity);
    const edges = [...document.querySelectorAll("#map-canvas g.edge")].map((g) => ({
      from: names[g.dataset.from], to: names[g.dataset.to], count: Number(g.dataset.count),
    }));
    return { activities, edges };
  });
}

test("BPIC 2012 is imported in the worker and its map equals the golden DFG", { skip }, async () => {
  await page.goto(server.url);
  await page.waitForSelector("#file-input", { state: "attached" });
  // Long tasks are recorded from before the drop to the map.
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: "longtask", buffered: false });
  });
  const t0 = Date.now();
  await page.setInputFiles("#file-input", LOG);
  await page.waitForSelector("#import-progress", { timeout: 10_000 }).catch(() => {});
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 120_000 });
  const mapVisibleMs = Date.now() - t0;
  const longestTaskMs = await page.evaluate(() => window.__longest);
  console.log(`BENCH map_visible_ms=${mapVisibleMs} longest_task_ms=${Math.round(longestTaskMs)}`);
  assert.ok(longestTaskMs <= 1000, `a main-thread task took ${longestTaskMs} ms (over 1 s: the work is not in the worker)`);

  assert.equal(await text("#count-events"), String(golden.events));
  assert.equal(await text("#count-cases"), String(golden.cases));
  // The map opens readable: every activity, only the strongest paths, and it says so.
  const first = await drawnMap();
  assert.deepEqual(new Set(first.activities), new Set(Object.keys(golden.activities)));
  const note = await text("#map-readable-note");
  assert.match(note, new RegExp(`showing ${first.edges.length} of [\\d,]+ paths — drag to show more`));
  await shot("map-bpic2012-readable.png");
  // Every path at 100 %: the golden DFG.
  const readable = await page.locator("#map-canvas").getAttribute("data-generation");
  await page.locator("#map-paths").fill("100");
  await page.waitForFunction((g) => document.querySelector("#map-canvas")?.dataset.generation !== g, readable, { timeout: 60_000 });
  const { activities, edges } = await drawnMap();
  assert.equal(activities.length, Object.keys(golden.activities).length);
  assert.deepEqual(new Set(activities), new Set(Object.keys(golden.activities)));
  const want = new Map(golden.dfg.map(([a, b, n]) => [`${a}\u0000${b}`, n]));
  const between = edges.filter((e) => activities.includes(e.from) && activities.includes(e.to));
  assert.equal(between.length, want.size, "every directly-follows pair is drawn");
  for (const e of between) {
    assert.equal(e.count, want.get(`${e.from}\u0000${e.to}`), `${e.from} -> ${e.to}`);
  }
  await shot("map-bpic2012.png");
});

test("the top variant has the golden count", { skip }, async () => {
  await pane("variants");
  await page.waitForSelector("#variants tr.variant", { timeout: 60_000 });
  const [topSeq, topCount] = golden.variants[0];
  const first = page.locator("#variants tr.variant").first();
  assert.equal(Number(await first.getAttribute("data-count")), topCount);
  const chevrons = await first.locator(".chevron").allInnerTexts();
  assert.deepEqual(chevrons, topSeq);
  await page.locator("#variants").screenshot({ path: new URL("variants-bpic2012.png", SHOTS).pathname });
});

test("statistics are drawn as SVG charts", { skip }, async () => {
  await pane("statistics");
  await page.waitForSelector("#chart-activities svg", { timeout: 60_000 });
  const bars = await page.locator("#chart-activities rect.chart-bar").count();
  assert.equal(bars, Object.keys(golden.activities).length);
  assert.ok(await page.locator("#chart-events rect.chart-bar").count() > 10, "events over time has buckets");
  assert.ok(await page.locator("#chart-durations rect.chart-bar").count() > 10, "duration histogram has bins");
  await page.locator("#statistics").screenshot({ path: new URL("statistics-bpic2012.png", SHOTS).pathname });
});

test("the view, the sliders and zoom redraw the map", { skip }, async () => {
  await pane("map");
  const generation = () => page.locator("#map-canvas").getAttribute("data-generation");
  let before = await generation();
  await page.selectOption("#map-view", "median");
  await page.waitForFunction((g) => document.querySelector("#map-canvas")?.dataset.generation !== g, before, { timeout: 60_000 });
  before = await generation();
  await page.locator("#map-activities").fill("50");
  await page.waitForFunction((g) => document.querySelector("#map-canvas")?.dataset.generation !== g, before, { timeout: 60_000 });
  const fewer = (await drawnMap()).activities.length;
  assert.ok(fewer < Object.keys(golden.activities).length && fewer > 0, `50% of activities shows ${fewer}`);
  const vb0 = await page.locator("#map-canvas svg").getAttribute("viewBox");
  await page.click("#map-zoom-in");
  assert.notEqual(await page.locator("#map-canvas svg").getAttribute("viewBox"), vb0);
  assert.equal(await page.locator("#map-zoom-level").innerText(), "125 %");
  // Keys on the focused canvas: `-` zooms out, `f` fits again.
  await page.locator("#map-canvas").press("-");
  await page.locator("#map-canvas").press("f");
  assert.equal(await page.locator("#map-canvas svg").getAttribute("viewBox"), vb0);
  await page.click("#map-fit");
  await shot("map-bpic2012-median-50.png");
  before = await generation();
  await page.locator("#map-activities").fill("100");
  await page.selectOption("#map-view", "frequency");
  await page.waitForFunction((g) => document.querySelector("#map-canvas")?.dataset.generation !== g, before, { timeout: 60_000 });
});

test("clicking an activity filters to its cases and shows a removable chip", { skip }, async () => {
  await page.waitForFunction((n) => document.querySelectorAll("#map-canvas g.node.activity").length === n,
    Object.keys(golden.activities).length, { timeout: 60_000 });
  assert.equal(await text("#filtered-cases"), String(golden.cases));
  await page.click('#map-canvas g.node.activity[data-activity="A_DECLINED"]');
  await page.waitForSelector("#filters .chip", { timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelector("#filtered-cases")?.textContent !== n, String(golden.cases), { timeout: 60_000 });
  const cases = Number(await text("#filtered-cases"));
  assert.ok(cases > 0 && cases < golden.cases, `filtered to ${cases} cases`);
  assert.equal(Number(await page.locator('#map-canvas g.node.activity[data-activity="A_DECLINED"]').getAttribute("data-count")) > 0, true);
  await shot("map-bpic2012-filtered.png");
  await page.click("#filters .chip-remove");
  await page.waitForFunction((n) => document.querySelector("#filtered-cases")?.textContent === n, String(golden.cases), { timeout: 60_000 });
  assert.equal(await page.locator("#filters .chip").count(), 0);
});

test("the map exports as SVG and PNG", { skip }, async () => {
  const [svg] = await Promise.all([page.waitForEvent("download"), page.click("#map-export-svg")]);
  assert.equal(svg.suggestedFilename(), "process-map.svg");
  const body = readFileSync(await svg.path(), "utf8");
  assert.match(body, /^<svg[^>]*class="spur-map"/);
  const [png] = await Promise.all([page.waitForEvent("download"), page.click("#map-export-png")]);
  assert.equal(png.suggestedFilename(), "process-map.png");
  const bytes = readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

test("Cancel during an import keeps the log that was open, with its recipe (issue 15)", { skip }, async () => {
  // BPIC 2012 is open (the tests above); a filter makes its recipe worth keeping.
  await pane("map");
  await page.click('#map-canvas g.node.activity[data-activity="A_DECLINED"]');
  await page.waitForFunction((n) => document.querySelector("#filtered-cases")?.textContent !== n, String(golden.cases), { timeout: 60_000 });
  const filtered = await text("#filtered-cases");
  const name = await text("#summary h2");
  // Import the same file again and cancel once the worker is reading it (events counted).
  await page.setInputFiles("#file-input", LOG);
  await page.waitForFunction(() => /· [1-9][0-9]* events/.test(document.querySelector("#import-counts")?.textContent ?? ""), null, { timeout: 30_000 });
  await page.click("#import-cancel");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("#load-notice, #status")?.textContent ?? ""), null, { timeout: 10_000 });
  // The worker stopped between two slices and kept the log: it is shown again, filter included.
  assert.match(await text("#load-notice"), /Import cancelled; .* is still open, with its recipe/);
  assert.equal(await text("#summary h2"), name);
  assert.equal(await text("#count-events"), String(golden.events));
  await page.waitForSelector("#filters .chip", { timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelector("#filtered-cases")?.textContent === n, filtered, { timeout: 60_000 });
  await page.waitForSelector('#map-canvas g.node.activity[data-activity="A_DECLINED"]', { timeout: 60_000 });
  await page.click("#load-demo");
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 30_000 });
  assert.equal(await text("#count-events"), "1202");
});

test("a Parquet log is imported like the other formats", { skip }, async () => {
  const want = JSON.parse(readFileSync(`${SHARED}/golden/receipt.csv.json`, "utf8"));
  await page.setInputFiles("#file-input", `${SHARED}/eventlogs/receipt.parquet`);
  await page.waitForFunction(() => document.querySelector("#summary h2")?.textContent === "receipt.parquet", null, { timeout: 30_000 });
  assert.equal(await text("#count-events"), String(want.events));
  assert.equal(await text("#count-cases"), String(want.cases));
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 30_000 });
});

test("a file dropped on the load card is imported", async () => {
  if (!HAVE_DATA) await page.goto(server.url);
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(["case,activity,timestamp\n1,a,2024-01-01\n1,b,2024-01-02\n2,a,2024-01-03\n"], "dropped.csv", { type: "text/csv" }));
    return d;
  });
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: dt });
  // A CSV is previewed first; Import reads it as the preview shows.
  await page.waitForSelector("#csv-table-0", { timeout: 20_000 });
  await page.click("#csv-import");
  await page.waitForFunction(() => document.querySelector("#summary h2")?.textContent === "dropped.csv", null, { timeout: 20_000 });
  assert.equal(await text("#count-cases"), "2");
  await page.waitForSelector('#map-canvas g.edge[data-count="1"]', { timeout: 20_000 });
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(offMachine(browser.requests), []);
});
