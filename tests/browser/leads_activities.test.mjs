// Browser end-to-end of the Leads screen's sales-activity mining (issue 19): a lead table and its
// activity log (written by `spur leads generate --activity`) are loaded, the log is previewed as
// on the Load screen, mined in the screen's own worker with a progress bar, and everything shown
// is core's numbers: the findings JSON the browser offers is byte for byte what
// `spur leads activities --json` prints, the funnel table and every finding's data-* hooks equal
// that JSON, with detected stages and with stages edited in the browser plus a time zone. Cancel
// stops a run and keeps the table, the log and the choices. "Open won (lost) leads" hands the log
// to the process screen filtered to exactly those cases, with the won-vs-lost map difference.
// Screenshots of the funnel and the findings go to out/screenshots/.
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
const DIR = mkdtempSync(join(tmpdir(), "spur-activities-ui-"));
const LEADS = join(DIR, "leads.csv");
const ACTS = join(DIR, "activities.csv");
let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  spur("leads", "generate", "-o", LEADS, "--rows", "4000", "--seed", "3", "--activity", ACTS);
  server = await serveStatic(join(ROOT, "dist"));
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
});
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

const text = (sel) => page.locator(sel).innerText();

/** The findings JSON the browser offers for download. */
async function downloaded() {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#activities-download")]);
  assert.match(download.suggestedFilename(), /-findings\.json$/);
  const path = join(DIR, `browser-${Date.now()}.json`);
  await download.saveAs(path);
  return readFileSync(path, "utf8");
}

/** Run the mining and wait until its progress card has come and gone; no error. (Leptos patches
 * the results card in place, so a marker on it would not tell old results from new ones.) */
async function run() {
  await page.evaluate(() => {
    window.__runDone = false;
    let seen = false;
    const watch = new MutationObserver(() => {
      if (document.querySelector("#activities-running")) seen = true;
      else if (seen) {
        window.__runDone = true;
        watch.disconnect();
      }
    });
    watch.observe(document.body, { childList: true, subtree: true });
  });
  await page.click("#activities-run");
  await page.waitForFunction(() => window.__runDone, null, { timeout: 120_000 });
  assert.equal(await page.locator("#activities-error").count(), 0, "no error");
  await page.waitForSelector("#activities-results", { timeout: 10_000 });
}

/** Everything on screen equals the CLI's JSON: funnel, findings and their numbers. */
async function assertScreenEquals(cli) {
  const results = page.locator("#activities-results");
  assert.equal(Number(await results.getAttribute("data-analysed")), cli.join.analysed);
  assert.equal(Number(await results.getAttribute("data-won")), cli.join.won);
  assert.equal(Number(await results.getAttribute("data-win-rate")), cli.win_rate);
  assert.equal(await results.getAttribute("data-time-zone"), cli.time_zone);
  assert.equal(await results.getAttribute("data-adjusted-for"), cli.adjusted_for.join(","));
  assert.match(await text("#activities-summary"), new RegExp(`in ${cli.time_zone.replace("+", "\\+")}`));

  const stages = await page.$$eval("#activities-stages tr.stage", (rows) =>
    rows.map((r) => ({ activity: r.dataset.activity, reached: Number(r.dataset.reached), won_rate: Number(r.dataset.wonRate) })));
  assert.deepEqual(stages, cli.stages.map((s) => ({ activity: s.activity, reached: s.reached, won_rate: s.won_rate })));
  // The funnel chart is core's: one bar per stage with its counts.
  const bars = await page.$$eval("#activities-funnel-chart rect.chart-bar", (rs) =>
    rs.map((r) => ({ label: r.dataset.label, count: Number(r.dataset.count), won: Number(r.dataset.won) })));
  assert.deepEqual(bars, cli.stages.map((s) => ({ label: s.activity, count: s.reached, won: s.won })));

  const shown = await page.$$eval("#activities-findings li.finding", (items) =>
    items.map((li) => ({
      kind: li.dataset.findingKind,
      feature: li.dataset.feature,
      activity: li.dataset.activity,
      adjusted_for: li.dataset.adjustedFor,
      text: li.querySelector(".sentence").textContent,
      p_value: li.dataset.pValue,
      high_rate: li.dataset.highRate,
      high_leads: li.dataset.highLeads,
      low_rate: li.dataset.lowRate,
      bucket: li.dataset.bucket,
      rate_bucket: li.dataset.rateBucket,
      rate_rest: li.dataset.rateRest,
      odds_ratio: li.dataset.oddsRatio,
      adjusted_p: li.dataset.adjustedP,
      chart: li.querySelector(".finding-chart svg") !== null,
    })));
  assert.equal(shown.length, cli.findings.length, "one item per finding");
  const num = (s) => (s === "" ? null : Number(s));
  cli.findings.forEach((f, i) => {
    const s = shown[i];
    const where = `finding ${i + 1} (${f.kind} ${f.feature ?? f.activity})`;
    assert.equal(s.kind, f.kind, where);
    assert.equal(s.feature, f.feature ?? "", where);
    assert.equal(s.activity, f.activity, where);
    assert.equal(s.adjusted_for, f.adjusted_for.join(","), where);
    assert.equal(s.text, f.text, where);
    assert.equal(num(s.p_value), f.p_value, where);
    assert.equal(num(s.high_rate), f.high?.win_rate ?? null, where);
    assert.equal(num(s.high_leads), f.high?.leads ?? null, where);
    assert.equal(num(s.low_rate), f.low?.win_rate ?? null, where);
    assert.equal(s.bucket, f.adjusted?.bucket ?? "", where);
    assert.equal(num(s.rate_bucket), f.adjusted?.rate_bucket ?? null, where);
    assert.equal(num(s.rate_rest), f.adjusted?.rate_rest ?? null, where);
    assert.equal(num(s.odds_ratio), f.adjusted?.odds_ratio ?? null, where);
    assert.equal(num(s.adjusted_p), f.adjusted?.p_value ?? null, where);
    // Every finding about a feature has its chart; markers and the funnel sentence do not.
    assert.equal(s.chart, f.feature != null, `${where}: chart`);
  });
  const kinds = new Set(shown.map((s) => s.kind));
  assert.ok(kinds.has("stage") && kinds.has("action"), `stage and action findings: ${[...kinds]}`);
}

test("lead table + activity log: previewed, mined in the worker, exactly the CLI's numbers", async (t) => {
  await page.goto(server.url);
  await page.click("#nav-leads");
  await page.setInputFiles("#leads-file", LEADS);
  await page.waitForSelector("#leads-columns", { timeout: 60_000 });
  await page.setInputFiles("#activities-file", ACTS);
  // The Load screen's preview editor, on the activity worker's copy of the file.
  await page.waitForSelector("#activities-preview .csv-preview, #activities-preview table", { timeout: 30_000 });
  assert.equal(await page.locator("#activities-preview").getAttribute("data-name"), "activities.csv");
  assert.equal(await page.locator("#activities-outcome").inputValue(), "won");
  assert.equal(await page.locator("#activities-id").inputValue(), "id");
  assert.equal(await page.locator("#activities-tz").inputValue(), "UTC");

  await page.evaluate(() => {
    window.__sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector("#activities-progress")) window.__sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const started = Date.now();
  await run();
  const wallMs = Date.now() - started;
  assert.ok(await page.evaluate(() => window.__sawProgress), "a progress bar was shown");

  const cliText = spur("leads", "activities", LEADS, ACTS, "--outcome", "won", "--json");
  const cli = JSON.parse(cliText);
  // The whole result, byte for byte: the browser's download is the CLI's --json output.
  assert.equal(await downloaded(), cliText);
  await assertScreenEquals(cli);
  assert.equal(await page.locator("#activities-stages-editor").getAttribute("data-given"), "false");
  const detected = await page.$$eval("#activities-stage-list li", (li) => li.map((x) => x.dataset.stage));
  assert.deepEqual(detected, cli.stages.map((s) => s.activity), "the detected stages are the editable list");
  t.diagnostic(`${cli.join.analysed} leads, ${cli.stages.length} stages, ${cli.findings.length} findings; click to result ${wallMs} ms`);

  await page.locator("#activities-funnel").screenshot({ path: new URL("leads-activities-funnel.png", SHOTS).pathname });
  await page.locator("#activities-findings-card").screenshot({ path: new URL("leads-activities-findings.png", SHOTS).pathname });
});

test("stages edited in the browser and a time zone: the CLI's numbers with --stages and --tz", async () => {
  // Remove two detected stages; the rest keep their order.
  for (const stage of ["negotiation", "first response"]) {
    await page.click(`#activities-stage-list li[data-stage="${stage}"] .stage-remove`);
  }
  assert.equal(await page.locator("#activities-stages-editor").getAttribute("data-given"), "true");
  const given = await page.$$eval("#activities-stage-list li", (li) => li.map((x) => x.dataset.stage));
  assert.deepEqual(given, ["lead created", "meeting", "offer"]);
  await page.fill("#activities-tz", "+02:00");
  await page.locator("#activities-tz").dispatchEvent("change");
  await run();
  const cliText = spur("leads", "activities", LEADS, ACTS, "--outcome", "won", "--stages", given.join(","), "--tz", "+02:00", "--json");
  assert.equal(await downloaded(), cliText);
  const cli = JSON.parse(cliText);
  assert.equal(cli.stages_given, true);
  assert.equal(await page.locator("#activities-funnel").getAttribute("data-stages-given"), "true");
  await assertScreenEquals(cli);
});

test("Cancel stops a run and keeps the lead table, the log and the choices", async () => {
  const before = await page.locator("#activities-results").getAttribute("data-analysed");
  await page.evaluate(async () => {
    document.querySelector("#activities-run").click();
    for (let i = 0; i < 100 && !document.querySelector("#activities-cancel"); i++) {
      await new Promise((r) => setTimeout(r, 0));
    }
    document.querySelector("#activities-cancel").click();
  });
  await page.waitForSelector("#activities-note", { timeout: 10_000 });
  assert.match(await text("#activities-note"), /Cancelled.*kept/);
  assert.equal(await page.locator("#activities-running").count(), 0, "no run in progress");
  // What was loaded and chosen is still there, and the last results too.
  assert.equal(await page.locator("#leads-columns").count(), 1);
  assert.equal(await page.locator("#activities-preview").count(), 1);
  assert.equal(await page.locator("#activities-tz").inputValue(), "+02:00");
  assert.equal(await page.locator("#activities-results").getAttribute("data-analysed"), before);
  // The fresh worker has the log again: the preview editor still reads it.
  await page.selectOption("#csv-role-0-3", "event_attribute");
  await page.waitForSelector('#activities-preview th[data-column="channel"][data-role="event_attribute"]', { timeout: 10_000 });
  await page.waitForTimeout(500);
  assert.equal(await page.locator("#activities-preview .preview-error").count(), 0, "the preview reads the log after Cancel");
  // The next run gives the same numbers.
  await run();
  const cli = JSON.parse(spur("leads", "activities", LEADS, ACTS, "--outcome", "won",
    "--stages", "lead created,meeting,offer", "--tz", "+02:00", "--json"));
  await assertScreenEquals(cli);
});

test("open won / lost leads in the process screen: exactly those cases, the map difference one click away", async () => {
  // Expected: the log's cases whose lead is won (lost) in the table.
  const [, ...rows] = readFileSync(LEADS, "utf8").trim().split("\n");
  const header = readFileSync(LEADS, "utf8").split("\n")[0].split(",");
  const [idCol, wonCol] = [header.indexOf("id"), header.indexOf("won")];
  const won = new Map(rows.map((r) => { const f = r.split(","); return [f[idCol], f[wonCol] === "true"]; }));
  const cases = new Set(readFileSync(ACTS, "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]));
  const wonCases = [...cases].filter((c) => won.get(c) === true).length;
  const lostCases = [...cases].filter((c) => won.get(c) === false).length;

  for (const [which, expected] of [["won", wonCases], ["lost", lostCases]]) {
    await page.click("#nav-leads");
    await page.click(`#activities-open-${which}`);
    const cell = `#screen-process li.cell[data-step-id="filter-${which}-leads"]`;
    await page.waitForSelector(`${cell}[data-cases]`, { timeout: 60_000 });
    assert.equal(await page.locator("#screen-process").isVisible(), true, "the process tab is in front");
    assert.equal(Number(await page.locator(cell).getAttribute("data-cases")), expected, `${which} leads`);
    // The won-vs-lost comparison (all leads) is the step before: its map difference is drawn.
    const compare = '#screen-process li.cell[data-step-id="compare-won-lost"]';
    await page.waitForSelector(`${compare} .dfg-diff-box svg`, { state: "attached", timeout: 60_000 });
    assert.equal(Number(await page.locator(compare).getAttribute("data-cases")), cases.size);
  }
  await page.locator('#screen-process li.cell[data-step-id="compare-won-lost"]').screenshot({
    path: new URL("leads-activities-won-vs-lost.png", SHOTS).pathname,
  });
});

test("the demo activity log matches the demo leads, as `spur leads generate --activity` writes them", async () => {
  await page.click("#nav-leads");
  await page.click("#leads-demo");
  await page.waitForFunction(() => document.querySelector("#leads-rows")?.textContent.startsWith("20000 leads"), null, { timeout: 60_000 });
  await page.click("#activities-demo");
  await page.waitForSelector('#activities-preview[data-name="demo-activities-20000-seed1.csv"]', { timeout: 60_000 });
  await page.click("#activities-stages-detect");
  await page.fill("#activities-tz", "UTC");
  await page.locator("#activities-tz").dispatchEvent("change");
  await run();
  const [leads, acts] = [join(DIR, "demo-leads.csv"), join(DIR, "demo-acts.csv")];
  spur("leads", "generate", "-o", leads, "--rows", "20000", "--seed", "1", "--activity", acts);
  const cliText = spur("leads", "activities", leads, acts, "--outcome", "won", "--json");
  assert.equal(await downloaded(), cliText);
  assert.deepEqual(offMachine(browser.requests), [], "no request left 127.0.0.1");
});
