// Browser end-to-end of the Recommendations screen against the real edge in workerd: the demo
// shop is generated and read in the screen's worker (preview and mapping as on the Load screen),
// Cancel stops a training run and keeps the shop and its clicks (trained next without reopening), training shows progress and an HR@k / MRR@k chart where Spur
// beats item-kNN and popularity, a tried session gets recommendations that equal
// `spur reco recommend` on the downloaded artifact (the wasm/CLI cross-shell leg) and
// `POST /recommend` on the edge after "Ship to edge" (the workerd leg), whose answer names the
// shipped SHA-256. Ship errors (wrong token, no edge) say what to do. The Leads screen ships its
// model the same way and `/leads/score` then serves it. No request leaves 127.0.0.1.
// Prints `BENCH reco_train_ms=…` (training the shipped model in wasm on the demo shop).
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { DEV_ADMIN_TOKEN, startEdge } from "../support/edge.mjs";
import { spur } from "../support/cli.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const DIR = mkdtempSync(join(tmpdir(), "spur-reco-ui-"));
const LEADS = readFileSync(new URL("../../core/test_data/leads/cross-shell/leads.json", import.meta.url), "utf8");
let server, browser, page, edge;
// Filled in as the tests go.
const state = { sha: "", session: [], browserRecs: [] };

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(join(ROOT, "dist"));
  const origin = new URL(server.url).origin;
  // MODEL_CHECK_SECONDS=0: every request reads the pointer, so a shipped model shows at once.
  edge = await startEdge({ vars: { ALLOWED_ORIGINS: origin, MODEL_CHECK_SECONDS: "0" } });
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
  await edge?.mf.dispose();
});

const text = (sel) => page.locator(sel).innerText();
const attr = (sel, name) => page.locator(sel).getAttribute(name);
const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
/** The SHA-256 a Spur artifact's header records: of everything before its 32-byte trailer. */
const shaOf = (b) => createHash("sha256").update(b.subarray(0, b.length - 32)).digest("hex");

test("demo shop: previewed and mapped, Cancel stops training, then trained with progress; Spur beats the baselines", async (t) => {
  await page.goto(server.url);
  await page.click("#nav-reco");
  await page.click("#reco-demo");
  await page.waitForSelector("#reco-preview #csv-table-0", { timeout: 60_000 });
  const role = (c) => attr(`#reco-preview th[data-column="${c}"]`, "data-role");
  assert.equal(await role("session_id"), "case");
  assert.equal(await role("item_id"), "activity");
  assert.equal(await role("timestamp"), "timestamp");
  assert.equal(await attr('#reco-preview th[data-column="timestamp"]', "data-format"), "epoch_seconds");
  assert.equal(await page.locator("#reco-col-category").inputValue(), "category");
  assert.equal(await page.locator("#reco-col-customer").inputValue(), "customer");
  assert.equal(await page.locator("#reco-col-event_type").inputValue(), "event_type");
  await page.click("#reco-read");
  await page.waitForSelector("#reco-clicks", { timeout: 120_000 });
  assert.equal(await attr("#reco-clicks", "data-sessions"), "20000");
  assert.match(await text("#reco-counts"), /^20000 sessions, \d+ clicks, (99\d|1000) items over (29\.\d|30\.0) days; 20000 sessions with a customer, (99\d|1000) items with a category/);
  await shot("reco-setup.png");

  // Cancel stops the run (its training worker is terminated); the shop, its mapping and the
  // clicks read stay, so training again needs no new file (issue 15).
  const running = new Set(page.workers());
  await page.click("#reco-train");
  await page.waitForSelector("#reco-progress", { timeout: 30_000 });
  const trainer = page.workers().find((w) => !running.has(w)) ?? page.workers().at(-1);
  const closed = new Promise((resolve) => trainer.once("close", resolve));
  await page.click("#reco-cancel");
  await page.waitForSelector("#reco-note", { timeout: 10_000 });
  assert.match(await text("#reco-note"), /^Training cancelled: demo-shop-.*-clicks\.csv and its clicks are still loaded; train again when ready\.$/);
  await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error("the training worker was not terminated")), 10_000))]);
  assert.equal(await page.locator("#reco-training").count(), 0, "no progress bar after Cancel");
  assert.equal(await page.locator("#reco-preview").count(), 1, "the shop is still open");
  assert.equal(await attr("#reco-clicks", "data-sessions"), "20000", "the clicks read are kept");
  assert.equal(await page.locator("#reco-col-category").inputValue(), "category", "the shop columns are kept");
  await page.waitForTimeout(2_000);
  assert.equal(await page.locator("#reco-results").count(), 0, "the cancelled run shows nothing");
  assert.equal(await page.locator("#reco-error").count(), 0);

  await page.evaluate(() => {
    window.__sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector("#reco-progress")) window.__sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const started = Date.now();
  await page.click("#reco-train");
  await page.waitForSelector("#reco-results", { timeout: 600_000 });
  const wallMs = Date.now() - started;
  assert.ok(await page.evaluate(() => window.__sawProgress), "a progress bar was shown");

  const value = async (sel) => Number(await attr(sel, "data-value"));
  const [spurHr, iknnHr, popHr] = [await value("#reco-spur-hr"), await value("#reco-iknn-hr"), await value("#reco-pop-hr")];
  assert.ok(spurHr > iknnHr + 0.05, `HR@20 Spur ${spurHr} vs item-kNN ${iknnHr}`);
  assert.ok(spurHr > popHr + 0.1, `HR@20 Spur ${spurHr} vs popular ${popHr}`);
  assert.ok((await value("#reco-spur-mrr")) > (await value("#reco-iknn-mrr")), "MRR@20 Spur above item-kNN");

  // The chart: six curves (3 series × HR, MRR) of k = 1…50, non-decreasing HR, Spur's HR@20 as in the table.
  const curves = await page.$$eval("#reco-chart polyline.curve", (ls) =>
    ls.map((l) => ({ series: l.dataset.series, metric: l.dataset.metric, values: l.dataset.values.split(" ").map(Number) })));
  assert.equal(curves.length, 6);
  for (const c of curves) {
    assert.equal(c.values.length, 50, `${c.series} ${c.metric}`);
    if (c.metric === "hr") c.values.slice(1).forEach((v, i) => assert.ok(v >= c.values[i], `${c.series} HR@${i + 2} below HR@${i + 1}`));
  }
  const spurCurve = curves.find((c) => c.series === "spur" && c.metric === "hr").values;
  assert.ok(Math.abs(spurCurve[19] - spurHr) < 1e-4, `chart HR@20 ${spurCurve[19]} vs table ${spurHr}`);

  const trainMs = Number(await attr("#reco-train-time", "data-train-ms"));
  const evaluateMs = Number(await attr("#reco-train-time", "data-evaluate-ms"));
  console.log(`BENCH reco_train_ms=${trainMs.toFixed(0)}`);
  t.diagnostic(`demo shop: HR@20 Spur ${spurHr.toFixed(3)} vs item-kNN ${iknnHr.toFixed(3)} vs popular ${popHr.toFixed(3)}; ` +
    `wasm: evaluation ${(evaluateMs / 1000).toFixed(2)} s, training ${(trainMs / 1000).toFixed(2)} s; click to result ${(wallMs / 1000).toFixed(1)} s`);
  state.sha = await attr("#reco-model", "data-sha256");
  assert.match(state.sha, /^[0-9a-f]{64}$/);
  await page.locator("#reco-results").screenshot({ path: new URL("reco-chart.png", SHOTS).pathname });
  await shot("reco-trained.png");
});

test("Cancel of another training keeps the model trained before; the next tests use it (issue 15)", async () => {
  const sha = await attr("#reco-model", "data-sha256");
  await page.click("#reco-train");
  await page.waitForSelector("#reco-progress", { timeout: 60_000 });
  await page.click("#reco-cancel");
  await page.waitForSelector("#reco-note", { timeout: 10_000 });
  assert.match(await text("#reco-note"), /^Training cancelled: .* and its clicks are still loaded, and so is the model trained before; train again when ready\.$/);
  assert.equal(await page.locator("#reco-training").count(), 0);
  assert.equal(await attr("#reco-model", "data-sha256"), sha, "the results shown are the previous model's");
});

test("neighbours and a tried session; the downloaded artifact recommends the same in the CLI", async () => {
  // Neighbours of the most popular item.
  const first = await attr("#reco-items .reco-item >> nth=0", "data-item");
  assert.equal(await page.locator("#reco-nb-item").inputValue(), first);
  await page.click("#reco-nb-show");
  await page.waitForSelector("#reco-nb-table tbody tr", { timeout: 20_000 });
  const weights = await page.$$eval("#reco-nb-table tbody tr", (rs) => rs.map((r) => Number(r.dataset.weight)));
  assert.ok(weights.length > 0 && weights[0] === 1, `strongest neighbour weight 1: ${weights}`);
  weights.slice(1).forEach((w, i) => assert.ok(w <= weights[i], "strongest first"));

  // Build a session by clicking; the recommendations change as it grows.
  const chips = await page.$$eval("#reco-items .reco-item", (bs) => bs.map((b) => b.dataset.item));
  const recsNow = () => page.$$eval("#reco-recs tbody tr", (rs) => rs.map((r) => ({ item: r.dataset.item, score: Number(r.dataset.score), reason: r.cells[3].textContent })));
  await page.click(`#reco-items .reco-item[data-item="${chips[3]}"]`);
  await page.waitForFunction(() => document.querySelectorAll("#reco-recs tbody tr").length === 10, null, { timeout: 20_000 });
  const one = await recsNow();
  // Follow the top recommendation of another item: a two-click session.
  const next = one.find((r) => r.item !== chips[3]).item;
  await page.click(`#reco-recs tbody tr[data-item="${next}"] button`);
  await page.waitForFunction((want) => document.querySelector("#reco-session")?.dataset.clicks === want,
    [chips[3], next].join(","), { timeout: 20_000 });
  await page.waitForFunction((prev) => {
    const rows = [...document.querySelectorAll("#reco-recs tbody tr")];
    return rows.length === 10 && rows.map((r) => `${r.dataset.item}:${r.dataset.score}`).join() !== prev;
  }, one.map((r) => `${r.item}:${r.score}`).join(), { timeout: 20_000 });
  state.session = [chips[3], next];
  state.browserRecs = await recsNow();
  assert.ok(state.browserRecs.some((r) => /often viewed after|similar sessions/.test(r.reason)), JSON.stringify(state.browserRecs));
  assert.equal(await attr("#reco-recs", "data-sha256"), state.sha);
  await page.locator("#reco-try").screenshot({ path: new URL("reco-session.png", SHOTS).pathname });

  // Download: the file's header SHA is the one shown; the CLI recommends the same items and scores.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#reco-download")]);
  assert.match(download.suggestedFilename(), /-reco\.spur$/);
  const artifact = join(DIR, "browser-reco.spur");
  await download.saveAs(artifact);
  const bytes = readFileSync(artifact);
  assert.equal(bytes.subarray(0, 8).toString("latin1"), "SPURMODL");
  assert.equal(shaOf(bytes), state.sha);
  const cli = JSON.parse(spur("reco", "recommend", artifact, "--clicks", state.session.join(","), "--k", "10", "--json"));
  assert.equal(cli.model.sha256, state.sha);
  assert.deepEqual(cli.items.map((r) => r.item), state.browserRecs.map((r) => r.item), "same items, same order");
  cli.items.forEach((r, i) => {
    assert.ok(Math.abs(r.score - state.browserRecs[i].score) <= 1e-12, `${r.item}: CLI ${r.score} vs wasm ${state.browserRecs[i].score}`);
    assert.equal(r.reason, state.browserRecs[i].reason.trim());
  });
});

test("Ship to edge: a wrong token and a dead URL say what to do; then the edge serves the shipped SHA", async () => {
  const ship = async () => {
    await page.click("#reco-ship-button");
    await page.waitForSelector("#reco-ship-result, #reco-ship-error", { timeout: 30_000 });
  };
  await page.fill("#reco-ship-url", "http://127.0.0.1:1");
  await page.fill("#reco-ship-token", DEV_ADMIN_TOKEN);
  await ship();
  assert.equal(await attr("#reco-ship-error", "data-code"), "unreachable");
  assert.match(await text("#reco-ship-error"), /check the URL/);

  await page.fill("#reco-ship-url", edge.url);
  await page.fill("#reco-ship-token", "not-the-token");
  await ship();
  assert.equal(await attr("#reco-ship-error", "data-code"), "unauthorized");
  assert.match(await text("#reco-ship-error"), /ADMIN_TOKEN/);

  await page.fill("#reco-ship-token", DEV_ADMIN_TOKEN);
  await ship();
  assert.equal(await page.locator("#reco-ship-error").count(), 0, await page.locator("#reco-ship").innerText());
  assert.equal(await attr("#reco-ship-result", "data-sha256"), state.sha);
  assert.equal(await attr("#reco-ship-result", "data-same"), "true");
  await page.locator("#reco-model").screenshot({ path: new URL("reco-shipped.png", SHOTS).pathname });
  // The token is in no storage the page can reach.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.ok(!stored.includes(DEV_ADMIN_TOKEN), "the token is not stored");

  // The edge answers /recommend with the shipped model: same SHA, same items and scores as the browser.
  const res = await fetch(new URL("recommend", edge.url), {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ clicks: state.session, k: 10 }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.model.kind, "reco");
  assert.equal(body.model.sha256, state.sha);
  assert.equal(body.degraded, null);
  assert.deepEqual(body.items.map((r) => r.item), state.browserRecs.map((r) => r.item));
  body.items.forEach((r, i) => assert.ok(Math.abs(r.score - state.browserRecs[i].score) <= 1e-12, r.item));
});

test("the Leads screen ships its model the same way; /leads/score serves its SHA", async () => {
  await page.click("#nav-leads");
  await page.click("#leads-demo");
  await page.waitForSelector("#leads-columns", { timeout: 60_000 });
  await page.click("#leads-train");
  await page.waitForSelector("#leads-ship-button", { timeout: 300_000 });
  // The edge URL and token typed on the Recommendations screen are this tab's, shared.
  assert.equal(await page.locator("#leads-ship-url").inputValue(), edge.url);
  await page.click("#leads-ship-button");
  await page.waitForSelector("#leads-ship-result, #leads-ship-error", { timeout: 30_000 });
  assert.equal(await page.locator("#leads-ship-error").count(), 0, await page.locator("#leads-ship").innerText());
  const sha = await attr("#leads-ship-result", "data-sha256");
  assert.equal(await attr("#leads-ship-result", "data-same"), "true");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#leads-download")]);
  const path = join(DIR, "browser-leads.spur");
  await download.saveAs(path);
  assert.equal(shaOf(readFileSync(path)), sha);
  const res = await fetch(new URL("leads/score", edge.url), { method: "POST", headers: { "content-type": "application/json" }, body: LEADS });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body).slice(0, 300));
  assert.equal(body.model, sha);
  // The recommender is still in service next to it.
  const health = await (await fetch(new URL("health", edge.url))).json();
  assert.equal(health.models.reco.sha256, state.sha);
  assert.equal(health.models.leads.sha256, sha);
  await page.locator("#leads-model").screenshot({ path: new URL("reco-leads-shipped.png", SHOTS).pathname });
});

test("a shop's clicks.csv opened from disk is mapped by its column names (session, item) and read", async () => {
  // `spur reco generate`'s file puts `customer` second: a positional guess made it the activity.
  spur("reco", "generate", "-o", join(DIR, "shop"), "--sessions", "400", "--seed", "5");
  await page.goto(server.url);
  await page.click("#nav-reco");
  await page.setInputFiles("#reco-file", join(DIR, "shop", "clicks.csv"));
  await page.waitForSelector("#reco-read:enabled", { timeout: 60_000 });
  const role = (c) => attr(`#reco-preview th[data-column="${c}"]`, "data-role");
  assert.equal(await role("session_id"), "case");
  assert.equal(await role("item_id"), "activity");
  assert.equal(await page.locator("#reco-col-customer").inputValue(), "customer");
  await page.click("#reco-read");
  await page.waitForSelector("#reco-clicks, #reco-error", { timeout: 60_000 });
  assert.equal(await page.locator("#reco-error").count(), 0, await page.locator("body").innerText());
  assert.equal(await attr("#reco-clicks", "data-sessions"), "400");
});

test("no request left 127.0.0.1", () => {
  assert.ok(browser.requests.length > 3, "requests were recorded");
  assert.deepEqual(offMachine(browser.requests), []);
});
