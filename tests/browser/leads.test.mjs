// Browser end-to-end of the Leads screen: the demo CRM is trained in the Web Worker while the page
// stays responsive, Spur's ranking beats the best single rule and plain clusters on held-out
// leads, the downloaded model artifact scores new leads in the CLI exactly as the browser does
// (a cross-shell check), a malformed CSV shows a located error and the screen stays usable, and
// no request leaves 127.0.0.1.
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
const DIR = mkdtempSync(join(tmpdir(), "spur-leads-ui-"));
let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(join(ROOT, "dist"));
  browser = await launch();
  // Every main-thread task over 50 ms, from the first script on.
  await browser.context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push(e.duration);
    }).observe({ type: "longtask", buffered: true });
  });
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
const number = async (sel) => Number(await page.locator(sel).getAttribute("data-value"));
const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });

test("demo leads: columns proposed, trained in the worker, Spur beats the rule and the clusters", async (t) => {
  await page.goto(server.url);
  await page.click("#nav-leads");
  await page.click("#leads-demo");
  await page.waitForSelector("#leads-columns", { timeout: 60_000 });
  assert.equal(await page.locator("#leads-outcome").inputValue(), "won");
  assert.equal(await page.locator("#leads-value").inputValue(), "deal_value");
  assert.match(await text("#leads-rows"), /^20000 leads, 12 columns/);
  assert.ok(await page.locator('input.leads-exclude[data-column="id"]').isChecked(), "ids are excluded");
  // The synthetic CRM's planted leak is flagged and excluded to start with.
  assert.match(await text('#leads-columns tr[data-column="stage_after_call"]'), /suspected leak/);
  assert.ok(await page.locator('input.leads-exclude[data-column="stage_after_call"]').isChecked(), "the leak is excluded");
  assert.match(await text('#leads-columns tr[data-column="created_at"]'), /date/);
  await shot("leads-setup.png");

  // Record whether the progress bar ever shows, and the main thread's long tasks while training.
  await page.evaluate(() => {
    window.__longtasks.length = 0;
    window.__sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector("#leads-progress")) window.__sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const started = Date.now();
  await page.click("#leads-train");
  // The page answers while the worker trains.
  const ping = Date.now();
  await page.evaluate(() => document.querySelector("#leads-training") !== null);
  const pingMs = Date.now() - ping;
  await page.waitForSelector("#leads-auc", { timeout: 180_000 });
  const wallMs = Date.now() - started;
  assert.ok(await page.evaluate(() => window.__sawProgress), "a progress bar was shown");
  const longest = Math.max(0, ...(await page.evaluate(() => window.__longtasks)));
  assert.ok(longest < 1000, `a main-thread task took ${longest} ms while training`);
  assert.ok(pingMs < 1000, `the page took ${pingMs} ms to answer while training`);

  const auc = await number("#leads-auc");
  const baseline = await number("#leads-baseline-auc");
  const cluster = await number("#leads-cluster-auc");
  assert.ok(auc > baseline, `Spur AUC ${auc} vs best single rule ${baseline}`);
  assert.ok(auc > cluster, `Spur AUC ${auc} vs plain clusters ${cluster}`);
  assert.ok((await number("#leads-lift-10")) > 1 && (await number("#leads-lift-20")) > 1, "lift above 1");
  assert.match(await text("#leads-split"), /split: time \(created_at\)/);
  const segments = await page.locator("#leads-segments tbody tr").count();
  assert.ok(segments >= 4 && segments <= 32, `${segments} segments`);
  assert.ok((await text("#leads-segments")).includes("industry"), "segments are readable rules");
  assert.ok((await page.locator("#leads-calibration tbody tr").count()) > 0, "calibration table");
  const seconds = Number(await page.locator("#leads-train-time").getAttribute("data-seconds"));
  t.diagnostic(`20k leads: AUC ${auc.toFixed(3)} vs rule ${baseline.toFixed(3)} vs clusters ${cluster.toFixed(3)}; ` +
    `worker ${seconds.toFixed(2)} s (evaluate + train), click to result ${(wallMs / 1000).toFixed(2)} s, ` +
    `longest main-thread task ${longest} ms; ${await text("#leads-train-time")}`);
  await shot("leads-trained.png");
});

test("the downloaded artifact scores new leads in the CLI exactly as in the browser", async () => {
  // New leads without the outcome: the generator's columns minus `won` and `deal_value`.
  spur("leads", "generate", "-o", join(DIR, "gen.csv"), "--rows", "40", "--seed", "7");
  const [header, ...lines] = readFileSync(join(DIR, "gen.csv"), "utf8").trim().split("\n");
  const names = header.split(",");
  const keep = names.map((n, i) => (["won", "deal_value"].includes(n) ? -1 : i)).filter((i) => i >= 0);
  const pick = (line) => { const f = line.split(","); return keep.map((i) => f[i]).join(","); };
  const newLeads = join(DIR, "new-leads.csv");
  writeFileSync(newLeads, [pick(header), ...lines.map(pick)].join("\n") + "\n");

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#leads-download")]);
  assert.match(download.suggestedFilename(), /\.spur$/);
  const artifact = join(DIR, "browser-model.spur");
  await download.saveAs(artifact);
  assert.equal(readFileSync(artifact).subarray(0, 8).toString("latin1"), "SPURMODL");

  await page.setInputFiles("#leads-score-file", newLeads);
  await page.waitForFunction(() => document.querySelectorAll("#leads-scores tbody tr").length === 40, null, { timeout: 30_000 });
  const shown = await page.$$eval("#leads-scores tbody tr", (rows) =>
    rows.map((r) => ({ id: r.dataset.id, value: Number(r.dataset.score), segment: Number(r.dataset.segment) })));
  const cli = JSON.parse(spur("leads", "score", artifact, newLeads, "--json"));
  assert.equal(cli.length, shown.length);
  cli.forEach((c, i) => {
    assert.equal(shown[i].id, c.id, `rank ${i + 1}`);
    assert.equal(shown[i].segment, c.segment_id, c.id);
    assert.ok(Math.abs(shown[i].value - c.value) <= 1e-9, `${c.id}: browser ${shown[i].value} vs CLI ${c.value}`);
  });
  // The ranked CSV the browser offers is byte for byte the one the CLI prints.
  const [ranked] = await Promise.all([page.waitForEvent("download"), page.click("#leads-scores-download")]);
  const rankedPath = join(DIR, "browser-ranked.csv");
  await ranked.saveAs(rankedPath);
  assert.equal(readFileSync(rankedPath, "utf8"), spur("leads", "score", artifact, newLeads));
  await page.locator("#leads-scored").screenshot({ path: new URL("leads-scored.png", SHOTS).pathname });
});

test("Cancel stops a training run and keeps the table, the choices and the model trained before (issue 15)", async () => {
  // A model is trained (the tests above) and has scored new leads; change a choice, then train
  // again and cancel while the training worker runs.
  const auc = await number("#leads-auc");
  const scoresBefore = await page.$$eval("#leads-scores tbody tr", (rows) => rows.map((r) => `${r.dataset.id}:${r.dataset.score}`));
  assert.equal(scoresBefore.length, 40);
  const industry = 'input.leads-exclude[data-column="industry"]';
  assert.ok(!(await page.locator(industry).isChecked()), "industry is used to start with");
  await page.locator(industry).check();
  const workersBefore = page.workers().length;
  await page.click("#leads-train");
  await page.waitForSelector("#leads-progress", { timeout: 30_000 });
  // The run has its own worker (the main one keeps the table); it is terminated by Cancel.
  await page.waitForFunction(() => /step [2-4] of/.test(document.querySelector("#leads-training")?.textContent ?? ""), null, { timeout: 60_000 });
  const running = page.workers();
  assert.ok(running.length >= 2, `the main worker and a training worker run (${running.length})`);
  const closed = Promise.race(running.map((w) => new Promise((resolve) => w.once("close", resolve))));
  await page.click("#leads-cancel");
  await page.waitForSelector("#leads-note", { timeout: 10_000 });
  assert.match(await text("#leads-note"), /Training cancelled: the lead table, your column choices and the model trained before .* are kept\. Change the choices or train again/);
  await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error("the training worker was not terminated")), 10_000))]);
  assert.equal(await page.locator("#leads-training").count(), 0, "no progress bar after Cancel");
  assert.ok(page.workers().length <= workersBefore, `workers: ${workersBefore} before, ${page.workers().length} after`);
  // Nothing of the cancelled run shows up later; the previous results and the choice stay.
  await page.waitForTimeout(3_000);
  assert.equal(await number("#leads-auc"), auc, "the previous model's results are still shown");
  assert.equal(await page.locator("#leads-error").count(), 0);
  assert.ok(await page.locator(industry).isChecked(), "the changed choice is kept");
  assert.match(await text("#leads-rows"), /^20000 leads/);
  // The main worker still scores with the previous model, without reloading anything.
  await page.setInputFiles("#leads-score-file", join(DIR, "new-leads.csv"));
  await page.waitForFunction(() => document.querySelectorAll("#leads-scores tbody tr").length === 40 && !document.querySelector("#leads-status"), null, { timeout: 30_000 });
  const scoresAfter = await page.$$eval("#leads-scores tbody tr", (rows) => rows.map((r) => `${r.dataset.id}:${r.dataset.score}`));
  assert.deepEqual(scoresAfter, scoresBefore, "the model trained before scores as it did");
  // And training again works on the kept table (a new training worker), with the changed choice.
  await page.locator(industry).uncheck();
  await page.click("#leads-train");
  await page.waitForSelector("#leads-progress", { timeout: 30_000 });
  await page.waitForSelector("#leads-training", { state: "detached", timeout: 180_000 });
  assert.equal(await page.locator("#leads-error").count(), 0);
  assert.equal(await number("#leads-auc"), auc, "the same choices train the same model");
});

test("a malformed CSV or a non-boolean outcome shows a located error; the screen stays usable", async () => {
  await page.setInputFiles("#leads-file", {
    name: "broken-leads.csv", mimeType: "text/csv",
    buffer: Buffer.from('id,industry,won\n1,energy,true\n2,"software,false\n'),
  });
  await page.waitForSelector("#leads-error", { timeout: 20_000 });
  let message = await text("#leads-error");
  assert.match(message, /broken-leads\.csv/);
  assert.match(message, /line 3/);
  await shot("leads-bad-file.png");

  // The demo table is still there; an outcome that is not won/lost is refused with its line.
  await page.selectOption("#leads-outcome", "industry");
  await page.waitForFunction(() => /industry/.test(document.querySelector("#leads-error")?.textContent ?? ""), null, { timeout: 20_000 });
  message = await text("#leads-error");
  assert.match(message, /line 2, column `industry`/);
  assert.match(message, /not an outcome/);
  await shot("leads-bad-outcome.png");

  await page.selectOption("#leads-outcome", "won");
  await page.waitForSelector("#leads-train:enabled", { timeout: 20_000 });
  assert.equal(await page.locator("#leads-error").count(), 0, "the error is gone");
  assert.equal(await page.locator("#leads-outcome").inputValue(), "won");
  // The other screen works too.
  await page.click("#nav-process");
  await page.click("#load-demo");
  await page.waitForSelector("#summary", { timeout: 20_000 });
  assert.equal(await text("#count-events"), "1202");
});

test("no request left 127.0.0.1", () => {
  assert.ok(browser.requests.length > 3, "requests were recorded");
  assert.deepEqual(offMachine(browser.requests), []);
});
