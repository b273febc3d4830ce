// Browser end-to-end of the detective views (issue 6): on the demo laundry log, the "Add a view"
// form adds a before/after view for `reset`, a compare of `has:reset` against the rest and a
// roles view as recipe steps; the worker replays the recipe and the notebook draws each output
// with `components::views::step_output`. Every number on screen (read from the views' data-*
// attributes, wherever the views are drawn) must equal what the CLI prints with --json:
// `spur before LOG reset`, `spur compare LOG --a has:reset --rest`, `spur roles LOG`.
// A filter text that does not parse is refused inline. Screenshots of each view (enlarged);
// no request leaves 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { spur } from "../support/cli.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const LOG = join(ROOT, "public/demo/laundry-bookings.csv");
let server, browser, page;

const spurJson = (...args) => JSON.parse(spur(...args, "--json"));

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(join(ROOT, "dist"));
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

/** Screenshot a view enlarged over the page, then close it again. */
async function shotOf(selector, name, more = async () => {}) {
  const frame = page.locator(".view-frame", { has: page.locator(selector) });
  await frame.locator("button.enlarge").first().click();
  await page.waitForSelector(".view-frame.enlarged");
  await frame.screenshot({ path: new URL(name, SHOTS).pathname });
  await more();
  await frame.locator("button.enlarge").first().click();
}

/** Distribution rows of `root` under the heading `title`: [[value, count], …]. */
function rows(root, title) {
  return root.locator(`.dist[data-title="${title}"] .dist-row`).evaluateAll((els) =>
    els.map((e) => [e.dataset.value, Number(e.dataset.count)]));
}

test("the demo log opens on the process screen with the add-view form", async () => {
  await page.goto(server.url);
  await page.click("#load-demo");
  await page.click("#pane-tab-views"); // the form is one of the workspace's views
  await page.waitForSelector("#add-view #view-kind", { timeout: 30_000 });
  // The activity picker lists the log's activities.
  const options = await page.locator("#view-activity option").allInnerTexts();
  assert.ok(options.includes("reset"), `activities offered: ${options}`);
});

test("before/after `reset` shows the numbers of `spur before … reset --json`", async () => {
  const want = spurJson("before", LOG, "reset");
  await page.selectOption("#view-kind", "before_after");
  await page.selectOption("#view-activity", "reset");
  await page.click("#view-add");
  const view = page.locator('.view-before-after[data-activity="reset"]');
  await view.waitFor({ timeout: 30_000 });
  assert.equal(Number(await view.getAttribute("data-occurrences")), want.occurrences);
  assert.equal(Number(await view.locator(".ba-occurrences").innerText()), want.occurrences);
  for (const side of ["before", "after"]) {
    const s = view.locator(`.ba-side[data-side="${side}"]`);
    const title = side === "before" ? "previous event" : "next event";
    const expected = want.overall[side].distribution.slice(0, 10).map((r) => [r.value, r.count]);
    assert.deepEqual(await rows(s, title), expected, `${side} distribution`);
    const q = want.overall[side].seconds;
    if (q) {
      const median = Number(await s.locator(".quantiles").first().getAttribute("data-median"));
      assert.equal(median, q.median, `${side} median seconds`);
    }
  }
  // The finding of the laundry hunt: resets come after `remote start`, `finish booking`, `reserved`.
  const shown = await rows(view.locator('.ba-side[data-side="before"]'), "previous event");
  assert.deepEqual(shown.map(([v]) => v).sort(), ["finish booking", "remote start", "reserved"]);
  await shotOf('.view-before-after[data-activity="reset"]', "view-before-after.png");
});

test("a compare group that does not parse is refused next to its field", async () => {
  await page.selectOption("#view-kind", "compare");
  const steps = await page.locator("#cells > li").count();
  await page.fill("#view-compare-a", "has reset");
  await page.click("#view-add");
  const error = page.locator("#view-compare-a-error");
  await error.waitFor({ timeout: 5_000 });
  assert.match(await error.innerText(), /has:reset/);
  assert.equal(await page.locator("#view-compare-a.invalid").count(), 1);
  assert.equal(await page.locator("#cells > li").count(), steps, "nothing was added");
  await page.fill("#view-compare-a", "events:resource=hotline");
  await page.click("#view-add");
  assert.match(await error.innerText(), /selects events, not cases/);
});

test("compare has:reset vs the rest shows the numbers of `spur compare … --json`", async () => {
  const want = spurJson("compare", LOG, "--a", "has:reset", "--rest");
  await page.fill("#view-compare-a", "has:reset");
  await page.fill("#view-compare-b", "");
  await page.click("#view-add");
  assert.equal(await page.locator("#view-compare-a-error").count(), 0);
  const view = page.locator(".view-compare").last();
  await view.waitFor({ timeout: 30_000 });
  assert.equal(Number(await view.getAttribute("data-cases-a")), want.cases_a);
  assert.equal(Number(await view.getAttribute("data-cases-b")), want.cases_b);
  assert.equal(Number(await view.locator(".cmp-a .cmp-cases").innerText()), want.cases_a);
  assert.equal(Number(await view.locator(".cmp-b .cmp-cases").innerText()), want.cases_b);
  // Each group is named by its filter text, read from the step the notebook passes in.
  assert.equal(await view.locator(".cmp-a h4 code").innerText(), "has:reset");
  assert.equal(await view.locator(".cmp-b h4 code").innerText(), "the rest");
  // Attributes in the CLI's ranking, with the same effect, p-value and verdict.
  const attrs = await view.locator(".cmp-attr").evaluateAll((els) => els.map((e) => ({
    name: e.dataset.name, verdict: e.dataset.verdict, effect: Number(e.dataset.effect), p: Number(e.dataset.p),
  })));
  const verdict = (a) => (a.informative ? "informative" : a.constant ? "constant" : "non-informative");
  assert.deepEqual(
    attrs.map(({ name, verdict, effect }) => ({ name, verdict, effect })),
    want.attributes.map((a) => ({ name: a.name, verdict: verdict(a), effect: a.effect })),
  );
  // p-values too, to the last bit: core's special functions use the pure-Rust libm on both sides.
  assert.deepEqual(attrs.map((a) => a.p), want.attributes.map((a) => a.p_value));
  assert.ok(attrs.filter((a) => a.verdict === "informative").length >= 5, "informative attributes are found");
  // The DFG difference: every edge drawn with the CLI's shares, red when more in A, blue when more in B.
  const edges = await view.locator("svg.dfg-diff g.diff-edge").evaluateAll((els) => els.map((e) => ({
    from: e.dataset.from, to: e.dataset.to, a: Number(e.dataset.shareA), b: Number(e.dataset.shareB), tone: e.dataset.tone,
  })));
  assert.equal(edges.length, want.dfg.length);
  for (const e of want.dfg) {
    const drawn = edges.find((d) => d.from === e.from && d.to === e.to);
    assert.ok(drawn, `edge ${e.from} -> ${e.to} drawn`);
    assert.equal(drawn.a, e.share_a);
    assert.equal(drawn.b, e.share_b);
    const tone = e.share_diff >= 0.05 ? "a" : e.share_diff <= -0.05 ? "b" : "same";
    assert.equal(drawn.tone, tone, `${e.from} -> ${e.to} tone`);
  }
  // `remote start -> reset` only happens in reset cases.
  assert.equal(edges.find((d) => d.from === "remote start" && d.to === "reset")?.tone, "a");
  // The top attribute's values open with A and B side by side.
  const first = view.locator(".cmp-attr").first();
  await first.locator("summary").click();
  assert.ok(await first.locator(".cmp-value, .cmp-numeric").count() > 0);
  await shotOf(".view-compare", "view-compare.png", async () => {
    await page.locator(".view-frame.enlarged .cmp-dfg").screenshot({ path: new URL("view-compare-dfg.png", SHOTS).pathname });
  });
});

test("roles shows the matrix and handovers of `spur roles … --json`", async () => {
  const want = spurJson("roles", LOG);
  await page.selectOption("#view-kind", "roles");
  await page.click("#view-add");
  const view = page.locator(".view-roles").last();
  await view.waitFor({ timeout: 30_000 });
  assert.equal(Number(await view.getAttribute("data-resources")), want.resources.length);
  assert.equal(Number(await view.getAttribute("data-pairs")), want.handover.pairs);
  // The heat map: activities in the CLI's order, the shown columns' counts equal.
  const m = want.activity_resource;
  const heat = await view.locator('.heat-map[data-attribute="resource"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.dataset.activity, [...tr.querySelectorAll("td.heat")].map((td) => Number(td.dataset.count))]));
  assert.deepEqual(heat.map(([a]) => a), m.rows.slice(0, 30));
  for (const [i, [, counts]] of heat.entries()) {
    assert.deepEqual(counts, m.counts[i].slice(0, counts.length), `row ${m.rows[i]}`);
  }
  const handovers = await view.locator(".handover-list .dist-row").evaluateAll((els) =>
    els.map((e) => [e.dataset.from, e.dataset.to, Number(e.dataset.count)]));
  assert.deepEqual(handovers, want.handover.edges.slice(0, 15).map((e) => [e.from, e.to, e.count]));
  // The hotline sends the resets.
  const hotline = m.columns.indexOf("hotline");
  const resetRow = heat.find(([a]) => a === "reset");
  assert.ok(hotline >= 0 && resetRow[1][hotline] > 0, "reset × hotline is drawn");
  await shotOf(".view-roles", "view-roles.png");
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(offMachine(browser.requests), []);
});
