// Browser end-to-end for the Load screen's sources (issue 6): a CSV is previewed before import
// (delimiter, roles and time format edited, the preview read again by core in the worker), a
// malformed CSV shows a located error and the app stays usable, several files become a source
// list that merges, and the laundry demo's three sources merge to exactly what `spur merge`
// makes of the same CSVs (which are byte-identical to `spur simulate laundry`). No request
// leaves 127.0.0.1.
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
const DIR = mkdtempSync(join(tmpdir(), "spur-sources-ui-"));
let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(join(ROOT, "dist"));
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(server.url);
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
const text = (sel) => page.locator(sel).innerText();
const th = (column, attr, value) => `#csv-table-0 th[data-column="${column}"][data-${attr}="${value}"]`;

/** Pick `value` in the select `sel` and wait until the worker's new preview shows `done`. */
async function edit(sel, value, done) {
  await page.selectOption(sel, value);
  await page.waitForSelector(done, { timeout: 20_000 });
}

test("a ;-separated CSV with odd column names is previewed, re-mapped and imported", async () => {
  const csv = [
    "Vorgang;Schritt;t_unix;Bearbeiter;Kanal",
    "A-1;Eingang;1706781600;anna;web",
    "A-1;Prüfung;1706785200;bert;web",
    "A-1;Freigabe;1706788800;carl;web",
    "A-2;Eingang;1706868000;anna;post",
    "A-2;Prüfung;1706871600;bert;post",
    "A-3;Eingang;1706954400;carl;web",
    "",
  ].join("\n");
  const file = join(DIR, "vorgaenge.csv");
  writeFileSync(file, csv);
  await page.setInputFiles("#file-input", file);
  await page.waitForSelector("#csv-table-0", { timeout: 20_000 });
  // Detected: the `;` delimiter, a header; no case/activity names recognised, so the first free
  // columns are shown in those roles with a warning, and t_unix (integers) as an attribute.
  assert.equal(await page.inputValue("#csv-delimiter-0"), ";");
  assert.equal(await page.inputValue("#csv-header-0"), "yes");
  assert.match(await text("#preview-warning-0"), /no case column/);
  assert.equal(await page.locator("#csv-table-0 tbody tr").count(), 6);
  assert.ok(await page.locator(th("t_unix", "role", "event_attribute")).count());

  await edit("#csv-role-0-0", "case", th("Vorgang", "role", "case"));
  await edit("#csv-role-0-1", "activity", th("Schritt", "role", "activity"));
  await page.waitForSelector("#preview-warning-0", { state: "detached", timeout: 20_000 });
  await edit("#csv-role-0-3", "resource", th("Bearbeiter", "role", "resource"));
  await edit("#csv-role-0-4", "case_attribute", th("Kanal", "role", "case_attribute"));
  await edit("#csv-role-0-2", "timestamp", th("t_unix", "role", "timestamp"));
  await edit("#csv-format-0-2", "epoch_millis", th("t_unix", "format", "epoch_millis"));
  await edit("#csv-format-0-2", "epoch_seconds", th("t_unix", "format", "epoch_seconds"));
  await shot("sources-preview.png");

  await page.click("#csv-import");
  await page.waitForFunction(() => document.querySelector("#summary h2")?.textContent === "vorgaenge.csv", null, { timeout: 20_000 });
  assert.equal(await text("#count-events"), "6");
  assert.equal(await text("#count-cases"), "3");
  assert.equal(await text("#count-activities"), "3");
  // The same mapping read by the CLI gives the same counts.
  const cli = JSON.parse(spur("stats", file, "--case", "Vorgang", "--activity", "Schritt", "--timestamp", "t_unix",
    "--resource", "Bearbeiter", "--delimiter", ";", "--json"));
  assert.deepEqual([cli.events, cli.cases], [6, 3]);
});

test("a malformed CSV shows a located error in the preview and the app stays usable", async () => {
  await page.setInputFiles("#file-input", {
    name: "binary.csv", mimeType: "text/csv",
    buffer: Buffer.from("case,activity,timestamp\n1,a,2024-01-01\n2,b\u0000x,2024-01-02\n"),
  });
  await page.waitForSelector("#preview-error-0", { timeout: 20_000 });
  const message = await text("#preview-error-0");
  assert.match(message, /line 3/);
  assert.match(message, /NUL byte/);
  assert.ok(await page.isDisabled("#csv-import"), "nothing to import");
  await shot("sources-error.png");
  await page.click("#load-demo");
  await page.waitForSelector("#summary", { timeout: 20_000 });
  assert.equal(await text("#count-events"), "1202");
});

test("two chosen files make a source list that merges", async () => {
  const bookings = join(DIR, "bookings.csv");
  const alarms = join(DIR, "alarms.csv");
  writeFileSync(bookings, "case,activity,timestamp,machine\n"
    + "b1,start,2024-01-01T10:00:00Z,m1\nb1,end,2024-01-01T11:00:00Z,m1\n"
    + "b2,start,2024-01-01T12:00:00Z,m2\nb2,end,2024-01-01T13:00:00Z,m2\n");
  writeFileSync(alarms, "machine,activity,timestamp\n"
    + "m1,beep,2024-01-01T10:30:00Z\nm2,beep,2024-01-01T12:30:00Z\nm2,beep,2024-01-02T09:00:00Z\n");
  await page.setInputFiles("#file-input", [bookings, alarms]);
  await page.waitForSelector("#sources", { timeout: 20_000 });
  assert.equal(await page.locator("#sources li.source").count(), 2);
  assert.equal(await page.getAttribute("#source-0", "data-name"), "bookings.csv");
  assert.equal(await page.getAttribute("#source-1", "data-name"), "alarms.csv");
  assert.equal(await page.inputValue("#source-label-1"), "alarms");
  await page.waitForSelector("#csv-table-1", { timeout: 20_000 });
  assert.ok(await page.isDisabled("#merge-import"), "no entity yet");
  await page.fill("#merge-entity", "machine");
  await page.dispatchEvent("#merge-entity", "change");
  await page.fill("#merge-closes", "end");
  await page.dispatchEvent("#merge-closes", "change");
  // The secondary's preview is read again with the entity as its case column.
  await page.waitForSelector('#csv-table-1 th[data-column="machine"][data-role="case"]', { timeout: 20_000 });
  await shot("sources-two.png");
  await page.click("#merge-import");
  await page.waitForSelector("#merge-report", { timeout: 20_000 });
  const cli = JSON.parse(spur("merge", "--entity", "machine", "--closes", "end", bookings, alarms,
    "-o", join(DIR, "two.csv"), "--json"));
  assert.equal(Number(await page.getAttribute("#merge-report", "data-events")), cli.events);
  assert.equal(Number(await page.getAttribute("#merge-report", "data-cases")), cli.cases);
  assert.equal(Number(await page.getAttribute("#merge-report", "data-entity-cases")), cli.entity_cases);
  assert.equal(cli.events, 7);
  assert.equal(cli.entity_cases, 1);
});

test("Cancel during a merge keeps the sources and the log that was open (issue 15)", async () => {
  // A log is open; two large sources (about 40 MB) are merged, and the merge is cancelled while
  // the worker reads them.
  await page.click("#load-demo");
  await page.waitForSelector("#summary", { timeout: 20_000 });
  const rows = 600_000;
  const t0 = Date.parse("2024-01-01T00:00:00Z");
  const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
  const bookings = ["case,activity,timestamp,machine"];
  for (let i = 0; i < rows / 2; i++) {
    const m = `m${i % 500}`;
    bookings.push(`b${i},start,${iso(t0 + i * 60_000)},${m}`, `b${i},end,${iso(t0 + i * 60_000 + 30_000)},${m}`);
  }
  const alarms = ["machine,activity,timestamp"];
  for (let i = 0; i < rows; i++) alarms.push(`m${i % 500},beep,${iso(t0 + i * 30_000 + 10_000)}`);
  const big = [join(DIR, "big-bookings.csv"), join(DIR, "big-alarms.csv")];
  writeFileSync(big[0], bookings.join("\n") + "\n");
  writeFileSync(big[1], alarms.join("\n") + "\n");
  await page.setInputFiles("#file-input", big);
  await page.waitForSelector("#sources", { timeout: 60_000 });
  await page.waitForSelector("#csv-table-1", { timeout: 60_000 });
  await page.fill("#merge-entity", "machine");
  await page.dispatchEvent("#merge-entity", "change");
  await page.fill("#merge-closes", "end");
  await page.dispatchEvent("#merge-closes", "change");
  await page.waitForSelector('#csv-table-1 th[data-column="machine"][data-role="case"]', { timeout: 20_000 });
  const workers = page.workers().length;
  await page.click("#merge-import");
  // Cancel once the worker is reading (events counted).
  await page.waitForFunction(() => /· [1-9][0-9]* events/.test(document.querySelector("#import-counts")?.textContent ?? ""), null, { timeout: 30_000 });
  await page.click("#import-cancel");
  await page.waitForSelector("#load-notice", { timeout: 10_000 });
  // The worker stopped between two slices: no restart, the source list is back as it was.
  assert.match(await text("#load-notice"), /^Merge cancelled: the 2 sources are still loaded with their mappings \(.+ stays loaded in the worker\); change them or merge again when ready\.$/);
  assert.equal(page.workers().length, workers, "the worker was not restarted");
  assert.equal(await page.locator("#sources li.source").count(), 2);
  assert.equal(await page.getAttribute("#source-0", "data-name"), "big-bookings.csv");
  assert.equal(await page.inputValue("#merge-entity"), "machine");
  assert.equal(await page.locator("#merge-report").count(), 0, "nothing merged");
  // Merging again needs no new files: the worker still holds them.
  await page.click("#merge-import");
  await page.waitForSelector("#merge-report", { timeout: 120_000 });
  assert.equal(Number(await page.getAttribute("#merge-report", "data-events")), rows * 2);
  assert.equal(await page.locator("#load-notice").count(), 0);
});

test("the laundry demo's three sources merge to what spur merge makes of them", async () => {
  await page.click("#load-laundry");
  await page.waitForSelector("#sources", { timeout: 60_000 });
  assert.equal(await page.locator("#sources li.source").count(), 3);
  assert.equal(await page.inputValue("#merge-entity"), "machine");
  assert.equal(await page.inputValue("#merge-closes"), "logged out");
  assert.ok(await page.locator('#csv-table-0 th[data-column="booking"][data-role="case"]').count());
  assert.ok(await page.locator('#csv-table-1 th[data-column="sender"][data-role="resource"]').count());
  assert.ok(await page.locator('#csv-table-2 th[data-column="error"][data-role="activity"]').count());

  // The sources the browser generated are byte-identical to the CLI's.
  const cliDir = join(DIR, "cli-laundry");
  spur("simulate", "laundry", "-o", cliDir);
  const webDir = join(DIR, "web-laundry");
  mkdirSync(webDir, { recursive: true });
  for (const [k, name] of ["states.csv", "commands.csv", "errors.csv"].entries()) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#source-download-${k}`)]);
    assert.equal(download.suggestedFilename(), name);
    await download.saveAs(join(webDir, name));
    assert.ok(readFileSync(join(webDir, name)).equals(readFileSync(join(cliDir, name))), `${name} differs from spur simulate's`);
  }
  await shot("sources-laundry.png");

  await page.click("#merge-import");
  await page.waitForSelector("#merge-report", { timeout: 120_000 });
  const cliMerged = join(DIR, "cli-merged.csv");
  const cli = JSON.parse(spur("merge", "--entity", "machine", "--closes", "logged out",
    `${join(webDir, "states.csv")}:case=booking,activity=state`,
    `${join(webDir, "commands.csv")}:activity=command,resource=sender`,
    `${join(webDir, "errors.csv")}:activity=error`, "-o", cliMerged, "--json"));
  assert.equal(Number(await page.getAttribute("#merge-report", "data-events")), cli.events);
  assert.equal(Number(await page.getAttribute("#merge-report", "data-cases")), cli.cases);
  assert.equal(Number(await page.getAttribute("#merge-report", "data-entity-cases")), cli.entity_cases);
  assert.equal(await text("#count-events"), String(cli.events));
  assert.equal(await text("#count-cases"), String(cli.cases + cli.entity_cases));
  for (const s of cli.sources) {
    const row = page.locator(`#merge-sources tr[data-source="${s.name}"] td`);
    assert.deepEqual((await row.allInnerTexts()).slice(2).map(Number), [s.events, s.attached, s.entity_level, s.unplaced]);
  }
  // The merged log downloaded from the browser is the CLI's, byte for byte.
  const [merged] = await Promise.all([page.waitForEvent("download"), page.click("#merged-download")]);
  const webMerged = join(DIR, "web-merged.csv");
  await merged.saveAs(webMerged);
  assert.ok(readFileSync(webMerged).equals(readFileSync(cliMerged)), "merged CSV differs from spur merge's");
  await page.waitForSelector(".map-canvas svg, #process", { timeout: 60_000 }).catch(() => {});
  await shot("sources-merged.png");

  // A merged log has no one row order: the Stream screen replays it in event-time order.
  await page.click("#nav-stream");
  await page.click("#stream-open");
  await page.waitForSelector("#stream-order-note");
  assert.match(await text("#stream-order-note"), /merged log has no row order of its own.*event-time order/);
  assert.equal(await page.inputValue("#stream-key"), "case:concept:name");
  await page.click("#stream-start");
  // Weeks of laundry at ×10,000 would still take minutes: run to the end.
  await page.click("#stream-end", { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector("#stream-state")?.textContent.includes("finished"), null, { timeout: 60_000 });
  assert.equal(Number(await text("#stream-events")) + Number(await text("#stream-rejected")), cli.events);
  assert.equal(Number(await text("#stream-late")), 0, "in event-time order nothing is late");
  await page.click("#nav-process");
});

test("no request left 127.0.0.1", () => {
  assert.ok(browser.requests.length > 3, "requests were recorded");
  assert.deepEqual(offMachine(browser.requests), []);
});
