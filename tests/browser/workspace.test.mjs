// Browser end-to-end of the process workspace (issue 15): at 1280×800, after a file is dropped
// on the Load screen, the map fills the main area and is visible without scrolling; on a
// generated spaghetti log (45 activities, > 1,000 directly-follows paths) the map opens
// readable — every activity a node, at most 2.5× as many paths as nodes, and the card says how
// many of how many paths it shows — and the Paths slider at 100 % shows every path; the view
// tabs switch the main area and `Esc` closes the rail's open panels.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";

const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const VIEWPORT = { width: 1280, height: 800 };
const ACTIVITIES = 45;
let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(new URL("../../dist/", import.meta.url).pathname);
  browser = await launch();
  page = await browser.context.newPage();
  await page.setViewportSize(VIEWPORT);
  page.on("pageerror", (e) => console.error("page error:", e.message));
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

/** Screenshots of what the analyst sees (the viewport, not the whole page). */
const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname });

/** mulberry32: a small seeded PRNG, so the log is the same on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random walks over `ACTIVITIES` activities (a few preferred successors, then anywhere), one
 * event per hour: the spaghetti the issue describes. Returns the CSV and its distinct
 * directly-follows pairs (activity to activity). */
function spaghetti(cases = 400, seed = 15) {
  const rand = prng(seed);
  const pick = (n) => Math.floor(rand() * n);
  const name = (i) => `step ${String(i + 1).padStart(2, "0")}`;
  const lines = ["case,activity,timestamp"];
  const pairs = new Set();
  const t0 = Date.UTC(2026, 0, 1);
  for (let c = 0; c < cases; c++) {
    let a = pick(5);
    const length = 8 + pick(20);
    for (let k = 0; k < length; k++) {
      const ts = new Date(t0 + (c * 100 + k) * 3_600_000).toISOString().slice(0, 19);
      lines.push(`c${c},${name(a)},${ts}`);
      const next = rand() < 0.6 ? (a + 1 + pick(3)) % ACTIVITIES : pick(ACTIVITIES);
      if (k + 1 < length) pairs.add(`${a}>${next}`);
      a = next;
    }
  }
  return { csv: lines.join("\n") + "\n", pairs: pairs.size };
}

/** Drop `csv` as `name` on the Load card and import it as previewed. */
async function drop(name, csv) {
  const dt = await page.evaluateHandle(([n, body]) => {
    const d = new DataTransfer();
    d.items.add(new File([body], n, { type: "text/csv" }));
    return d;
  }, [name, csv]);
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: dt });
  await page.waitForSelector("#csv-table-0", { timeout: 20_000 });
  await page.click("#csv-import");
  await page.waitForFunction((n) => document.querySelector("#summary h2")?.textContent === n, name, { timeout: 30_000 });
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 60_000 });
}

/** Nodes (start and end included), activity nodes and paths drawn. */
const drawn = () => page.evaluate(() => ({
  nodes: document.querySelectorAll("#map-canvas g.node").length,
  activities: document.querySelectorAll("#map-canvas g.node.activity").length,
  edges: document.querySelectorAll("#map-canvas g.edge").length,
}));
const generation = () => page.locator("#map-canvas").getAttribute("data-generation");
const redrawn = (before) => page.waitForFunction(
  (g) => document.querySelector("#map-canvas")?.dataset.generation !== g, before, { timeout: 60_000 });
const number = (s) => Number(s.replaceAll(",", ""));

const log = spaghetti();

test("after a drop at 1280×800 the map is visible without scrolling", async () => {
  assert.ok(log.pairs >= 1000, `the generated log has ${log.pairs} distinct paths`);
  await page.goto(server.url);
  await page.waitForSelector("#drop-zone");
  await drop("spaghetti.csv", log.csv);
  const box = await page.locator("#map-canvas svg").boundingBox();
  assert.ok(box, "the map has a box");
  const scrolled = await page.evaluate(() => [window.scrollX, window.scrollY]);
  assert.deepEqual(scrolled, [0, 0], "nothing scrolled the page");
  assert.ok(box.x >= 0 && box.y >= 0, `map at ${box.x},${box.y}`);
  assert.ok(box.x + box.width <= VIEWPORT.width, `map right edge ${box.x + box.width}`);
  assert.ok(box.y + box.height <= VIEWPORT.height, `map bottom ${box.y + box.height} is below the fold`);
  assert.ok(box.height >= 250 && box.width >= 600, `the map fills the main area (${box.width}×${box.height})`);
  await shot("workspace-spaghetti.png");
});

test("the spaghetti log opens readable: every activity, ≤ 2.5× paths per node, said in words", async () => {
  const d = await drawn();
  assert.equal(d.activities, ACTIVITIES, "every activity is shown");
  assert.ok(d.edges <= 2.5 * d.nodes, `${d.edges} paths for ${d.nodes} nodes`);
  const note = page.locator("#map-readable-note");
  const text = await note.innerText();
  const m = text.match(/showing ([\d,]+) of ([\d,]+) paths — drag to show more/);
  assert.ok(m, `the card says what it hides: ${text}`);
  const [shown, total] = [number(m[1]), number(m[2])];
  assert.equal(shown, d.edges, "the sentence counts the paths drawn");
  assert.equal(Number(await note.getAttribute("data-paths-total")), total);
  // Every pair between activities, plus the start and end paths.
  assert.ok(total >= log.pairs, `${total} paths in all`);
  assert.match(await page.locator("#map-info").innerText(), new RegExp(`${ACTIVITIES} of ${ACTIVITIES} activities`));
  // No slider moved: the recipe has no map step.
  assert.equal(await page.locator('#notebook .cell[data-step-id="map"]').count(), 0);

  // Paths at 100 %: the exact full map, every path.
  const before = await generation();
  await page.locator("#map-paths").fill("100");
  await redrawn(before);
  await page.waitForFunction((n) => document.querySelectorAll("#map-canvas g.edge").length === n, total, { timeout: 60_000 });
  const all = await drawn();
  assert.equal(all.edges, total);
  assert.equal(all.activities, ACTIVITIES);
  assert.match(await page.locator("#map-info").innerText(), new RegExp(`${total} of ${total} paths`));
  await page.waitForSelector('#notebook .cell[data-step-id="map"]');
  await shot("workspace-spaghetti-100.png");

  // "readable" deletes the map step: the simplified map again.
  const again = await generation();
  await page.click("#map-readable");
  await redrawn(again);
  await page.waitForSelector("#map-readable-note");
  assert.equal((await drawn()).edges, shown);
  assert.equal(await page.locator('#notebook .cell[data-step-id="map"]').count(), 0);

  // A filter changes the log: the readable choice is made again for the filtered log.
  const unfiltered = await generation();
  await page.click('#map-canvas g.node.activity[data-activity="step 01"]');
  await page.waitForSelector("#filters .chip", { timeout: 30_000 });
  await redrawn(unfiltered);
  await page.waitForSelector("#map-readable-note");
  const narrowed = await drawn();
  const fewer = Number(await page.locator("#map-readable-note").getAttribute("data-paths-total"));
  assert.ok(fewer < total, `the filtered log has ${fewer} of ${total} paths`);
  assert.ok(narrowed.edges <= 2.5 * narrowed.nodes, `${narrowed.edges} paths for ${narrowed.nodes} nodes`);
  assert.equal(Number(await page.locator("#map-readable-note").getAttribute("data-paths-shown")), narrowed.edges);
  await page.click("#filters .chip-remove");
  await page.waitForFunction(() => document.querySelectorAll("#filters .chip").length === 0);
  await page.waitForFunction((n) => document.querySelector("#map-readable-note")?.dataset.pathsTotal === String(n), total, { timeout: 60_000 });
});

test("the tabs switch the main area; Esc closes the rail's open panels", async () => {
  await page.click("#pane-tab-variants");
  await page.waitForSelector("#variants tr.variant");
  assert.equal(await page.locator("#map-canvas").isVisible(), false, "one view at a time");
  await shot("workspace-variants.png");
  await page.click("#pane-tab-map");
  assert.equal(await page.locator("#map-canvas").isVisible(), true);
  await page.click(".summary-activities summary");
  assert.equal(await page.locator(".summary-activities").getAttribute("open"), "");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".summary-activities").getAttribute("open"), null);
  // The rail folds away and the map takes the width.
  const narrow = (await page.locator("#map-canvas").boundingBox()).width;
  await page.click("#rail-toggle");
  assert.equal(await page.locator("#rail").isVisible(), false);
  assert.ok((await page.locator("#map-canvas").boundingBox()).width > narrow);
  await page.click("#rail-toggle");
});

test("the demo log's workspace at 1280×800", async () => {
  await page.goto(server.url);
  await page.click("#load-demo");
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 30_000 });
  const box = await page.locator("#map-canvas svg").boundingBox();
  assert.ok(box.y + box.height <= VIEWPORT.height, `map bottom ${box.y + box.height}`);
  // A small log is not simplified: every path, no note.
  assert.equal(await page.locator("#map-readable-note").count(), 0);
  await shot("workspace-demo.png");
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(offMachine(browser.requests), []);
});
