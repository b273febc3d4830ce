// Browser end-to-end for the log summary file (issue 18): a log too large for a tab is
// summarised by an engine (`spur convert … --partitions` → `spur stats DATASET --engine duckdb
// --summary-out S.json`); dropped on the Load screen, S.json opens the workspace with the map,
// variants and statistics only, drawn from the summary without events. The map must equal
// `spur map S.json --json` (the CLI's map of the same file: same activities, same paths and
// counts), the variants the summary's, and the panes that need events must be absent. A
// summary altered by hand is refused naming the field; dropped with another file, it is refused.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { spur } from "../support/cli.mjs";

const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const SHARED = process.env.SPUR_SHARED_DATA ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));
const LOG = `${SHARED}/eventlogs/receipt.xes`;
const HAVE_DATA = existsSync(LOG);
if (!HAVE_DATA && process.env.CI) {
  throw new Error(`the shared data is missing (${LOG}); set SPUR_SHARED_DATA to its directory`);
}
const skip = HAVE_DATA ? false : `no shared data at ${SHARED} (set SPUR_SHARED_DATA)`;

/** Is DuckDB's CLI here (scripts/setup.sh installs it)? Else the summary is made in memory. */
function haveDuckdb() {
  try {
    execFileSync("duckdb", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let server, browser, page, dir, summaryPath, summary, cliMap, engine;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(new URL("../../dist/", import.meta.url).pathname);
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  if (!HAVE_DATA) return;
  dir = mkdtempSync(join(tmpdir(), "spur-summary-"));
  summaryPath = join(dir, "receipt.summary.json");
  engine = haveDuckdb() ? "duckdb" : "memory";
  if (engine === "duckdb") {
    spur("convert", LOG, join(dir, "receipt"), "--partitions", "4");
    spur("stats", join(dir, "receipt"), "--engine", "duckdb", "--summary-out", summaryPath);
  } else {
    if (process.env.CI) throw new Error("duckdb is not on PATH: run scripts/setup.sh");
    spur("stats", LOG, "--summary-out", summaryPath);
  }
  summary = JSON.parse(readFileSync(summaryPath, "utf8"));
  cliMap = JSON.parse(spur("map", summaryPath, "--json"));
});
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
const pane = (name) => page.click(`#pane-tab-${name}`);

/** The drawn map: activity names and `from → to: count` of every path, sorted. */
async function drawnMap() {
  return page.evaluate(() => {
    const names = {};
    for (const g of document.querySelectorAll("#map-canvas g.node")) {
      names[g.dataset.node] = g.dataset.activity ?? g.dataset.node;
    }
    const activities = [...document.querySelectorAll("#map-canvas g.node.activity")].map((g) => g.dataset.activity).sort();
    const edges = [...document.querySelectorAll("#map-canvas g.edge")]
      .map((g) => `${names[g.dataset.from]} → ${names[g.dataset.to]}: ${g.dataset.count}`)
      .sort();
    return { activities, edges };
  });
}

/** The same from the CLI's `spur map S.json --json`. */
function expectedMap(map) {
  const label = (i) => {
    const n = map.nodes[i];
    return n.kind === "activity" ? n.label : n.id;
  };
  return {
    activities: map.nodes.filter((n) => n.kind === "activity").map((n) => n.label).sort(),
    edges: map.edges.map((e) => `${label(e.from)} → ${label(e.to)}: ${e.count}`).sort(),
  };
}

test("a summary file written by an engine opens as map, variants and statistics", { skip }, async () => {
  await page.goto(server.url);
  await page.waitForSelector("#file-input", { state: "attached" });
  await page.setInputFiles("#file-input", summaryPath);
  await page.waitForSelector("#map-canvas g.node.activity", { timeout: 60_000 });
  await page.waitForSelector("#summary-file-note");
  console.log(`summary made by ${engine}`);

  // The readable first map, equal to the CLI's map of the same file.
  const drawn = await drawnMap();
  const want = expectedMap(cliMap.map);
  assert.equal(drawn.activities.length, summary.activities.length, "every activity is on the map");
  assert.deepEqual(drawn.activities, want.activities);
  assert.deepEqual(drawn.edges, want.edges);
  assert.ok(cliMap.readable, "the CLI's map of a summary is the readable one");
  const note = page.locator("#map-readable-note");
  if (cliMap.readable.paths_shown < cliMap.readable.paths_total) {
    assert.equal(await note.getAttribute("data-paths-shown"), String(cliMap.readable.paths_shown));
  }

  // Paths at 100 %: every path of the summary's DFG (and the start/end paths).
  await page.locator("#map-paths").fill("100");
  await page.waitForFunction(
    (n) => document.querySelectorAll("#map-canvas g.edge").length === n,
    cliMap.map.paths_total,
    { timeout: 30_000 },
  );
  const full = await drawnMap();
  const inner = full.edges.filter((e) => !e.startsWith("start →") && !/→ end:/.test(e));
  const dfg = summary.dfg.map((e) => `${e.from} → ${e.to}: ${e.count}`).sort();
  assert.deepEqual(inner, dfg, "the map at 100 % is the summary's directly-follows graph");
  assert.ok(await page.locator("#map-activities").isDisabled(), "a summary has every activity only");

  // The panes that need events are not offered; the recipe cells are not there.
  const tabs = await page.locator("#pane-tabs .pane-tab").evaluateAll((els) => els.map((e) => e.dataset.pane));
  assert.deepEqual(tabs, ["map", "variants", "statistics"]);
  assert.equal(await page.locator("#filter-panel, #notebook").count(), 0);

  // Variants: the summary's, most frequent first.
  await pane("variants");
  await page.waitForSelector("#variants tbody tr", { timeout: 30_000 });
  const first = page.locator("#variants tbody tr").first();
  assert.equal(await first.getAttribute("data-count"), String(summary.variants[0][1]));
  const cases = summary.variants.reduce((n, v) => n + v[1], 0);
  assert.equal(cases, summary.cases);
  assert.match(await page.locator("#variants-info").innerText(), new RegExp(`of ${summary.variants.length} variants · ${summary.cases} cases`));

  // Statistics: three charts drawn from the summary, the median of its case durations.
  await pane("statistics");
  await page.waitForSelector("#statistics .chart svg", { timeout: 30_000 });
  assert.equal(await page.locator("#statistics .chart svg").count(), 3, "events over time, durations, activities");
  assert.match(await page.locator("#charts-info").innerText(), /median .*, mean /);
  await shot("summary-file.png");
  assert.deepEqual(offMachine(browser.requests), [], "nothing is requested off this machine");
});

test("a summary altered by hand is refused naming the field", { skip }, async () => {
  const bad = JSON.parse(readFileSync(summaryPath, "utf8"));
  bad.activities[0][1] += 1; // the activity counts no longer add up to the events
  const badPath = join(dir, "altered.summary.json");
  writeFileSync(badPath, JSON.stringify(bad));
  await page.goto(server.url);
  await page.waitForSelector("#file-input", { state: "attached" });
  await page.setInputFiles("#file-input", badPath);
  await page.waitForSelector("#error", { timeout: 30_000 });
  assert.equal(await page.locator("#error").getAttribute("data-code"), "summary");
  const message = await page.locator("#error").innerText();
  assert.match(message, /altered\.summary\.json/);
  assert.match(message, /field `activities`/);

  // Not JSON at all: the line and column.
  const broken = join(dir, "broken.summary.json");
  writeFileSync(broken, '{"format": "spur-log-summary/1",\n  "events": 12,\n  "cases": }');
  await page.setInputFiles("#file-input", broken);
  await page.waitForFunction(() => /line 3/.test(document.querySelector("#error")?.innerText ?? ""), null, { timeout: 30_000 });

  // With another file: opened alone.
  await page.setInputFiles("#file-input", [summaryPath, LOG]);
  await page.waitForSelector('#error[data-code="summary_with_others"]', { timeout: 30_000 });
});
