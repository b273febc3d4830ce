// The screenshot gallery (issue 15): every screen on the bundled demo data, at 1280×800 as an
// analyst sees it (the viewport, not the whole page), written to out/gallery/ on every run —
// or to $SPUR_GALLERY_DIR, which is how docs/gallery/ is made:
//
//   SPUR_GALLERY_DIR=docs/gallery node --test tests/browser/gallery.test.mjs
//
// Each step waits for what the picture must show, so a screen that no longer draws fails here.
import { after, afterEach, before, test } from "node:test";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch } from "../support/browser.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const DIR = resolve(ROOT, process.env.SPUR_GALLERY_DIR ?? "out/gallery");
let server, browser, page;

before(async () => {
  mkdirSync(DIR, { recursive: true });
  server = await serveStatic(resolve(ROOT, "dist"));
  browser = await launch();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  page.on("pageerror", (e) => console.error("page error:", e.message));
});
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

const shot = (name) => page.screenshot({ path: resolve(DIR, name) });
const pane = (name) => page.click(`#pane-tab-${name}`);
/** Bring a result card to the top of the viewport, as the analyst scrolls to it. */
const top = (sel) => page.$eval(sel, (e) => (e.closest("section") ?? e).scrollIntoView({ block: "start" }));

test("the process workspace on the demo log: map, variants, cases, statistics, model", async () => {
  await page.goto(server.url);
  await page.waitForSelector("#load-demo");
  await shot("01-load.png");
  await page.click("#load-demo");
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 60_000 });
  await shot("02-process-map.png");
  await pane("variants");
  await page.waitForSelector("#variants tr.variant", { timeout: 60_000 });
  await shot("03-variants.png");
  await pane("cases");
  await page.waitForSelector("#cases-scroll tr.case-row[data-case]", { timeout: 60_000 });
  await page.click("#cases-scroll tr.case-row[data-case]");
  await page.waitForSelector("#case-timeline svg g.timeline-event", { timeout: 30_000 });
  await shot("04-cases.png");
  await pane("statistics");
  await page.waitForSelector("#chart-activities svg", { timeout: 60_000 });
  await shot("05-statistics.png");
  await pane("model");
  await page.waitForSelector("#model-tree", { timeout: 60_000 });
  await shot("06-model.png");
});

test("the object-centric orders demo", async () => {
  await page.goto(server.url);
  await page.click("#load-ocel-demo");
  await page.waitForSelector("#ocel-map svg.ocdfg-map", { timeout: 60_000 });
  await shot("07-ocel.png");
});

test("the Leads screen: the demo CRM, its suspected leak, and the trained model", async () => {
  await page.goto(server.url);
  await page.click("#nav-leads");
  await page.click("#leads-demo");
  await page.waitForSelector("#leads-columns", { timeout: 60_000 });
  await shot("08-leads-setup.png");
  await page.click("#leads-train");
  await page.waitForSelector("#leads-auc", { timeout: 300_000 });
  await top("#leads-auc");
  await shot("09-leads-trained.png");
});

test("the Recommendations screen: the demo shop trained in the browser", async () => {
  await page.goto(server.url);
  await page.click("#nav-reco");
  await page.click("#reco-demo");
  await page.waitForSelector("#reco-read:enabled", { timeout: 60_000 });
  await page.click("#reco-read");
  await page.waitForSelector("#reco-clicks", { timeout: 120_000 });
  await page.click("#reco-train");
  await page.waitForSelector("#reco-results", { timeout: 600_000 });
  await top("#reco-results");
  await shot("10-recommendations.png");
});
