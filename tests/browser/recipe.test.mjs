// Browser end-to-end of the notebook (issue 6): on the demo log, filters are added through the
// filter panel (guided form and text syntax), the recipe's cells are reordered, disabled and
// deleted and the counts follow; the exported recipe replayed by `spur run --json` gives exactly
// the browser's downloaded results and on-screen counts (a cross-shell check); after a reload the
// autosaved recipe is restored from IndexedDB to the same counts; a broken recipe file and a
// failing step show located errors and the app stays usable; no request leaves 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { spur } from "../support/cli.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const DEMO = join(ROOT, "public/demo/laundry-bookings.csv");
const DIR = mkdtempSync(join(tmpdir(), "spur-recipe-ui-"));
let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(join(ROOT, "dist"));
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

const text = (sel) => page.locator(sel).innerText();
const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
/** Wait until the latest recipe edit has been replayed by the worker. */
const settled = () => page.waitForFunction(() => document.querySelector("#notebook")?.dataset.pending === "false", null, { timeout: 30_000 });
const counts = async () => {
  await settled();
  return { cases: Number(await text("#filtered-cases")), events: Number(await text("#filtered-events")) };
};
/** The cells in order: id, kind, cases after, enabled. */
const cells = () => page.$$eval("#notebook .cell", (els) => els.map((e) => ({
  id: e.dataset.stepId, kind: e.dataset.kind, cases: Number(e.dataset.cases), off: e.classList.contains("off"),
})));
async function openDemo() {
  await page.goto(server.url);
  await page.click("#load-demo");
  await page.waitForSelector("#filtered-cases", { timeout: 30_000 });
  await settled();
}

let total, afterBoth;

test("filters are added through the panel, guided and as text, with live counts", async () => {
  await openDemo();
  total = await counts();
  assert.equal(total.cases, 240);
  assert.equal(await page.locator("#notebook .cell").count(), 0);

  // Guided: cases with an error message.
  await page.selectOption("#filter-kind", "has");
  await page.selectOption("#filter-activities", ["error message"]);
  assert.equal(await text("#filter-preview"), "has:error message");
  await page.click("#filter-add");
  await page.waitForSelector('#notebook .cell[data-kind="filter"]');
  const errors = await counts();
  assert.ok(errors.cases > 0 && errors.cases < total.cases, `error cases ${errors.cases}`);
  assert.equal((await cells())[0].cases, errors.cases, "the cell shows the cases after it");

  // Text syntax: a bad text is refused with its problem, a good one is added.
  await page.fill("#filter-text", "size:x..");
  await page.click("#filter-text-add");
  await page.waitForSelector("#filter-text-error");
  assert.match(await text("#filter-text-error"), /size:x\.\..*`x` is not a number of events/s);
  await page.fill("#filter-text", "time:2026-03-01..2026-03-04:started_in");
  await page.press("#filter-text", "Enter");
  await page.waitForFunction(() => document.querySelectorAll("#notebook .cell").length === 2);
  assert.equal(await page.locator("#filter-text-error").count(), 0);
  afterBoth = await counts();
  assert.ok(afterBoth.cases < errors.cases && afterBoth.cases > 0, `error cases started in 3 days: ${afterBoth.cases}`);
  assert.equal(await page.locator("#filters .chip").count(), 2);
  assert.match(await text('#filters .chip[data-step-id="filter-2"]'), new RegExp(`→ ${afterBoth.cases} cases`));

  // The map's sliders become the recipe's `map` step.
  await page.locator("#map-activities").fill("50");
  await page.waitForSelector('#notebook .cell[data-step-id="map"]');
  await settled();
  await page.waitForSelector("#map-canvas g.node.activity");
  await shot("recipe-notebook.png");
});

test("reordering, disabling and deleting cells re-runs the recipe", async () => {
  let list = await cells();
  assert.deepEqual(list.map((c) => c.id), ["filter-1", "filter-2", "map"]);
  // The time filter first: its cell now counts every case started in those days.
  await page.click('#notebook .cell[data-step-id="filter-2"] .cell-up');
  await page.waitForFunction(() => document.querySelector("#notebook .cell")?.dataset.stepId === "filter-2");
  await settled();
  list = await cells();
  assert.deepEqual(list.map((c) => c.id), ["filter-2", "filter-1", "map"]);
  assert.ok(list[0].cases > afterBoth.cases, "the time filter alone keeps more cases");
  assert.equal(list[1].cases, afterBoth.cases, "both filters: the same cases in either order");
  assert.deepEqual(await counts(), afterBoth);

  // Disable the error filter: only the time filter is left.
  await page.click('#notebook .cell[data-step-id="filter-1"] .cell-toggle');
  await page.waitForFunction(() => document.querySelector('#notebook .cell[data-step-id="filter-1"]')?.classList.contains("off"));
  const timeOnly = await counts();
  assert.equal(timeOnly.cases, list[0].cases);
  await page.click('#notebook .cell[data-step-id="filter-1"] .cell-toggle');
  await page.waitForFunction((n) => document.querySelector("#filtered-cases")?.textContent === n, String(afterBoth.cases));

  // A third filter, then deleted: the counts come back.
  await page.fill("#filter-text", "start:reserved");
  await page.click("#filter-text-add");
  await page.waitForSelector('#notebook .cell[data-step-id="filter-3"]');
  await settled();
  await page.click('#notebook .cell[data-step-id="filter-3"] .cell-delete');
  await page.waitForFunction(() => !document.querySelector('#notebook .cell[data-step-id="filter-3"]'));
  assert.deepEqual(await counts(), afterBoth);
  await page.fill("#recipe-name", "laundry errors");
  await page.press("#recipe-name", "Tab");
  await settled();
});

test("the exported recipe replays in the CLI to the browser's results and counts", async () => {
  const [recipeFile] = await Promise.all([page.waitForEvent("download"), page.click("#recipe-export")]);
  assert.equal(recipeFile.suggestedFilename(), "laundry-errors.recipe.json");
  const recipePath = join(DIR, "recipe.json");
  writeFileSync(recipePath, readFileSync(await recipeFile.path()));
  const recipe = JSON.parse(readFileSync(recipePath, "utf8"));
  assert.equal(recipe.name, "laundry errors");
  assert.deepEqual(recipe.steps.map((s) => s.id), ["filter-2", "filter-1", "map"]);
  assert.deepEqual(recipe.steps[2].options, { activity_share: 0.5, path_share: 1 });

  const [resultsFile] = await Promise.all([page.waitForEvent("download"), page.click("#results-export")]);
  const browserResults = JSON.parse(readFileSync(await resultsFile.path(), "utf8"));
  const cliResults = JSON.parse(spur("run", recipePath, DEMO, "--json"));
  assert.deepEqual(browserResults, cliResults);
  const lastFilter = cliResults.steps.filter((s) => s.kind === "filter").at(-1);
  assert.deepEqual(await counts(), { cases: lastFilter.cases, events: lastFilter.events });
  const onScreen = await cells();
  assert.deepEqual(onScreen.map((c) => c.cases), cliResults.steps.map((s) => s.cases));
});

test("after a reload the recipe is restored from IndexedDB to the same counts", async () => {
  await page.waitForTimeout(800); // the autosave is debounced
  await openDemo();
  assert.equal((await counts()).cases, total.cases);
  await page.waitForSelector("#recipe-restore", { timeout: 10_000 });
  assert.match(await text("#recipe-offer"), /laundry errors.*3 steps/);
  await page.click("#recipe-restore");
  await page.waitForFunction(() => document.querySelectorAll("#notebook .cell").length === 3);
  assert.deepEqual(await counts(), afterBoth);
  assert.deepEqual((await cells()).map((c) => c.id), ["filter-2", "filter-1", "map"]);
  assert.equal(await page.inputValue("#recipe-name"), "laundry errors");
  // It is also in the saved recipes by name.
  assert.deepEqual(await page.$$eval("#recipe-saved option", (o) => o.map((x) => x.value)), ["laundry errors"]);
  await shot("recipe-restored.png");
});

test("a broken recipe file and a failing step show located errors; the app stays usable", async () => {
  // Invalid: a has_activity filter without activities.
  await page.setInputFiles("#recipe-import", {
    name: "broken.json", mimeType: "application/json",
    buffer: Buffer.from('{"version": 1, "steps": [{"id": "x", "kind": "filter", "filter": {"kind": "has_activity"}}]}'),
  });
  await page.waitForSelector("#recipe-error");
  const message = await text("#recipe-error");
  assert.match(message, /broken\.json: .*steps\[0\]/);
  assert.match(message, /activities/);
  assert.equal(await page.locator("#notebook .cell").count(), 3, "the current recipe is unchanged");
  assert.deepEqual(await counts(), afterBoth);

  // Valid JSON, but a step that cannot run on this log: the error is on that cell.
  await page.setInputFiles("#recipe-import", {
    name: "other-log.json", mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ version: 1, name: "other", steps: [
      { id: "ok", kind: "filter", filter: { kind: "case_size", min: 2 } },
      { id: "bad", kind: "filter", filter: { kind: "has_activity", activities: ["no such activity"] } },
    ] })),
  });
  await page.waitForSelector('#notebook .cell[data-step-id="bad"] .cell-error', { timeout: 30_000 });
  assert.match(await text('#notebook .cell[data-step-id="bad"] .cell-error'), /step 1 \(`bad`, filter\).*no such activity/);
  assert.match(await text("#filter-error"), /`bad`/);
  await shot("recipe-step-error.png");

  // Fix it by deleting the cell: the recipe runs again.
  await page.click('#notebook .cell[data-step-id="bad"] .cell-delete');
  await page.waitForFunction(() => !document.querySelector(".cell-error"));
  const cli = JSON.parse(spur("run", writeRecipe({ version: 1, steps: [
    { id: "ok", kind: "filter", filter: { kind: "case_size", min: 2 } }] }), DEMO, "--json"));
  assert.deepEqual(await counts(), { cases: cli.steps[0].cases, events: cli.steps[0].events });
});

function writeRecipe(recipe) {
  const path = join(DIR, `r-${Date.now()}.json`);
  writeFileSync(path, JSON.stringify(recipe));
  return path;
}

test("no request left 127.0.0.1", () => {
  assert.deepEqual(offMachine(browser.requests), []);
});
