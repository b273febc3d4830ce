// The laundry walk-through (issue 6 acceptance): the detective hunt of issue 4 done in the
// browser, the way an analyst would. Open the bundled laundry scenario (three sources: machine
// states, commands, errors), merge them by machine, then ask: what happens before a reset (by
// state, with the sender's role), how reset bookings differ from the rest (ranked attributes and
// the coloured DFG difference), who sends the resets that come after `finish booking`, and who
// does what (roles). Each finding is asserted on screen, and every number must equal the CLI's
// on the merged log the browser downloads; the exported recipe replayed by `spur run` gives the
// browser's results exactly. One screenshot per view; no request leaves 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { spur } from "../support/cli.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const DIR = mkdtempSync(join(tmpdir(), "spur-laundry-ui-"));
const MERGED = join(DIR, "merged.csv");
let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(join(ROOT, "dist"));
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.setViewportSize({ width: 1500, height: 1000 });
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
const cliJson = (...args) => JSON.parse(spur(...args, "--json"));
/** Wait until the latest recipe edit has been replayed by the worker. */
const settled = () => page.waitForFunction(() => document.querySelector("#notebook")?.dataset.pending === "false", null, { timeout: 60_000 });
/** Distribution rows under `root`'s heading `title`: {value: count}. */
const dist = (root, title) => root.locator(`.dist[data-title="${title}"] .dist-row`).evaluateAll((els) =>
  Object.fromEntries(els.map((e) => [e.dataset.value, Number(e.dataset.count)])));
/** A view's output, enlarged for its screenshot and closed again. */
async function shotOf(view, name) {
  const frame = page.locator(".view-frame", { has: view });
  await frame.locator("button.enlarge").first().click();
  await page.waitForSelector(".view-frame.enlarged");
  await frame.screenshot({ path: new URL(name, SHOTS).pathname });
  await frame.locator("button.enlarge").first().click();
}
/** Add a view with the "Add a view" form; returns the new step's id. */
async function addView(kind, fill = async () => {}) {
  await page.click("#pane-tab-views"); // the form is one of the workspace's views
  await page.selectOption("#view-kind", kind);
  await fill();
  await page.click("#view-add");
  const id = await page.getAttribute("#view-added", "data-step");
  await settled();
  return id;
}

test("the laundry demo's three sources are merged by machine in the worker", async () => {
  await page.goto(server.url);
  await page.click("#load-laundry");
  await page.waitForSelector("#sources li.source", { timeout: 60_000 });
  assert.equal(await page.locator("#sources li.source").count(), 3);
  await shot("laundry-1-sources.png");
  await page.click("#merge-import");
  await page.waitForSelector("#merge-report", { timeout: 120_000 });
  await page.waitForSelector("#filtered-cases", { timeout: 60_000 });
  await settled();
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#merged-download")]);
  await download.saveAs(MERGED);
  const stats = cliJson("stats", MERGED);
  assert.equal(Number(await page.getAttribute("#merge-report", "data-events")), stats.events);
  assert.equal(Number(await page.locator("#filtered-events").innerText()), stats.events);
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 60_000 });
  await shot("laundry-2-merged-map.png");
});

test("before the reset: which state, and who sent it", async () => {
  const id = await addView("before_after", async () => {
    await page.selectOption("#view-activity", "reset");
    await page.selectOption("#view-by", "");
    await page.fill("#view-before-only", "source=states");
    await page.fill("#view-describe", "sender_role");
  });
  const view = page.locator(`.view-before-after[data-step="${id}"]`);
  await view.waitFor({ timeout: 60_000 });
  const want = cliJson("before", MERGED, "reset", "--where", "source=states", "--describe", "sender_role");
  assert.equal(Number(await view.getAttribute("data-occurrences")), want.occurrences);
  const before = await dist(view.locator('.ba-side[data-side="before"]'), "previous event");
  const wantBefore = Object.fromEntries(want.overall.before.distribution.map((d) => [d.value, d.count]));
  assert.deepEqual(before, wantBefore);
  // The finding: most resets come after `finish booking`, then waiting for the door, then reserved.
  const ranked = Object.entries(before).sort((a, b) => b[1] - a[1]).map(([v]) => v);
  assert.deepEqual(ranked, ["finish booking", "waiting for door opening", "reserved"]);
  assert.ok(before["finish booking"] / want.occurrences > 0.55, `finish booking share ${before["finish booking"]}`);
  await shotOf(view, "laundry-3-before-reset.png");
});

test("reset bookings vs the rest: the informative attributes and the DFG difference", async () => {
  const id = await addView("compare", async () => {
    await page.fill("#view-compare-a", "has:reset");
    await page.fill("#view-compare-b", "");
  });
  const view = page.locator(`.view-compare[data-step="${id}"]`);
  await view.waitFor({ timeout: 60_000 });
  const want = cliJson("compare", MERGED, "--a", "has:reset", "--rest");
  assert.equal(Number(await view.getAttribute("data-cases-a")), want.cases_a);
  assert.equal(Number(await view.getAttribute("data-cases-b")), want.cases_b);
  const verdicts = Object.fromEntries(await view.locator(".cmp-attr").evaluateAll((els) =>
    els.map((e) => [e.dataset.name, e.dataset.verdict])));
  // Card problems show as remote `start booking`; the machine model and software are red herrings.
  assert.equal(verdicts["contains start booking"], "informative");
  assert.equal(verdicts["model"], "non-informative");
  assert.equal(verdicts["software"], "non-informative");
  // The DFG difference: `finish booking → reset` only in A (red), `finish booking → logged out` only in B (blue).
  const tone = (from, to) => view.locator(`svg.dfg-diff g.diff-edge[data-from="${from}"][data-to="${to}"]`).getAttribute("data-tone");
  assert.equal(await tone("finish booking", "reset"), "a");
  assert.equal(await tone("finish booking", "logged out"), "b");
  await shotOf(view, "laundry-4-compare.png");
});

test("resets after `finish booking` are sent by object managers, long after", async () => {
  await page.fill("#filter-text", "df:finish booking->reset");
  await page.click("#filter-text-add");
  await settled();
  const id = await addView("before_after", async () => {
    await page.selectOption("#view-activity", "reset");
    await page.fill("#view-before-only", "source=states");
    await page.fill("#view-describe", "sender_role");
  });
  const view = page.locator(`.view-before-after[data-step="${id}"]`);
  await view.waitFor({ timeout: 60_000 });
  const roles = await dist(view, "sender_role");
  const total = Object.values(roles).reduce((a, b) => a + b, 0);
  assert.ok(roles["object manager"] / total >= 0.9, `object managers send ${roles["object manager"]} of ${total}`);
  await shotOf(view, "laundry-5-finish-booking-resets.png");
});

test("roles: who does what", async () => {
  const id = await addView("roles", async () => page.fill("#view-role", "sender_role"));
  const view = page.locator(`.view-roles[data-step="${id}"]`);
  await view.waitFor({ timeout: 60_000 });
  assert.ok(Number(await view.getAttribute("data-resources")) >= 1);
  await shotOf(view, "laundry-6-roles.png");
  await shot("laundry-7-notebook.png");
});

test("the exported recipe, replayed by spur run on the downloaded merged log, gives the browser's numbers", async () => {
  await settled();
  const [recipe] = await Promise.all([page.waitForEvent("download"), page.click("#recipe-export")]);
  const recipePath = join(DIR, "laundry-recipe.json");
  await recipe.saveAs(recipePath);
  const [results] = await Promise.all([page.waitForEvent("download"), page.click("#results-export")]);
  const resultsPath = join(DIR, "laundry-results.json");
  await results.saveAs(resultsPath);
  const browserResults = JSON.parse(readFileSync(resultsPath, "utf8"));
  const kinds = browserResults.steps.map((s) => s.kind);
  for (const k of ["before_after", "compare", "filter", "roles"]) assert.ok(kinds.includes(k), `recipe has a ${k} step: ${kinds}`);
  assert.deepEqual(cliJson("run", recipePath, MERGED), browserResults);
});

test("no request left 127.0.0.1", () => {
  assert.ok(browser.requests.length > 3, "requests were recorded");
  assert.deepEqual(offMachine(browser.requests), []);
});
