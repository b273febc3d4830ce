// Browser end-to-end for the Stream replay screen (issue 13): a small CSV with out-of-order,
// allowed-late, too-late, duplicate and conflicting events is loaded on the Process screen and
// replayed as a stream in the worker by spur-core's operator. Steps move one event / one batch;
// at ×10,000 a tumbling-window replay runs to its end and the counters on screen are the
// CLI's. The downloaded windows (JSON lines) equal `spur stream --json` on the same file with
// the same flags, in both modes (the cross-shell check), and both modes end with the same
// windows. An XES log (no row order of its own) replays in event-time order, its windows again
// the CLI's on the same file. Screenshots go to out/screenshots/stream-*.png; no request leaves 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";
import { spur } from "../support/cli.mjs";

const SHOTS = new URL("../../out/screenshots/", import.meta.url);
const LOG = fileURLToPath(new URL("../../core/test_data/stream-replay/replay.csv", import.meta.url));
const FLAGS = [
  "--key", "case", "--time", "timestamp", "--id", "id", "--activity", "activity",
  "--window", "tumbling:1m", "--agg", "count,dfg", "--out-of-order", "10s", "--lateness", "30s",
];
const MODES = { event: ["--mode", "event"], batch: ["--mode", "micro-batch:20s"] };

let server, browser, page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(new URL("../../dist/", import.meta.url).pathname);
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

const shot = (name) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
const text = (sel) => page.locator(sel).innerText();
const num = async (sel) => Number(await text(sel));
const lines = (s) => s.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

/** What a consumer holds at the end: the latest revision of each window, superseded ones gone. */
function finalWindows(records) {
  const held = new Map();
  for (const r of records) {
    if (!("key" in r)) continue;
    for (const [s, e] of r.replaces ?? []) held.delete(`${r.key} ${s} ${e}`);
    const { revision, replaces, ...rest } = r;
    held.set(`${r.key} ${r.start} ${r.end}`, rest);
  }
  return [...held.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, w]) => w);
}

async function download() {
  const [d] = await Promise.all([page.waitForEvent("download"), page.click("#stream-download")]);
  assert.match(d.suggestedFilename(), /^replay-windows-.*\.jsonl$/, "named after the log");
  const file = join(mkdtempSync(join(tmpdir(), "spur-stream-")), d.suggestedFilename());
  await d.saveAs(file);
  return readFileSync(file, "utf8");
}

async function fill(id, value) {
  await page.fill(id, value);
}

test("the loaded log replays as a stream: steps, then ×10,000 to the end with the CLI's counters", async () => {
  await page.goto(server.url);
  await page.waitForSelector("#file-input", { state: "attached" });
  await page.setInputFiles("#file-input", LOG);
  await page.waitForSelector("#csv-table-0", { timeout: 20_000 });
  await page.click("#csv-import");
  await page.waitForFunction(() => document.querySelector("#summary h2")?.textContent === "replay.csv", null, { timeout: 20_000 });

  await page.click("#nav-stream");
  await page.click("#stream-open");
  await page.waitForSelector("#stream-source");
  // Defaults come from the import: the case column is the key, the id column de-duplicates.
  assert.equal(await page.inputValue("#stream-key"), "case");
  assert.equal(await page.inputValue("#stream-time"), "timestamp");
  assert.equal(await page.inputValue("#stream-id"), "id");
  await page.selectOption("#stream-window-kind", "tumbling");
  await fill("#stream-window-size", "1m");
  await fill("#stream-aggs", "count,dfg");
  await fill("#stream-out-of-order", "10s");
  await fill("#stream-lateness", "30s");
  await fill("#stream-batch", "20s");

  // ×1: start, pause, and step.
  await page.selectOption("#stream-speed", "1");
  await page.click("#stream-start");
  await page.waitForSelector("#stream-live");
  await page.click("#stream-pause");
  await page.waitForFunction(() => document.querySelector("#stream-pause")?.textContent === "Resume");
  const stepped = async (id) => {
    const before = await num("#stream-position");
    await page.click(id);
    await page.waitForFunction((b) => Number(document.querySelector("#stream-position").textContent) > b, before);
    return (await num("#stream-position")) - before;
  };
  assert.equal(await stepped("#stream-step-event"), 1, "one event per step");
  // One batch: rows until the micro-batch mode closes its open batch (20 s of arrivals).
  const batchEmits = () => page.locator("#stream-mode-batch-latency").innerText().then((t) => Number(/(\d+) emissions/.exec(t)?.[1]));
  const emitsBefore = await batchEmits();
  assert.ok((await stepped("#stream-step-batch")) >= 1);
  assert.equal(await batchEmits(), emitsBefore + 1, "one batch per step");
  while ((await num("#stream-windows")) < 3) await stepped("#stream-step-event");
  await page.waitForSelector("#stream-map svg g.node.activity");
  await shot("stream-live.png");

  // ×10,000 from the start: the whole log (under 4 minutes of log time) in a few ticks.
  await page.selectOption("#stream-speed", "10000");
  await page.click("#stream-start");
  await page.waitForFunction(() => document.querySelector("#stream-state")?.textContent.includes("finished"), null, { timeout: 30_000 });
  const cli = lines(spur("stream", LOG, ...FLAGS, ...MODES.event, "--json")).at(-1).summary;
  assert.deepEqual(
    {
      events: await num("#stream-events"), duplicates: await num("#stream-duplicates"),
      conflicts: await num("#stream-conflicts"), late: await num("#stream-late"),
      late_accepted: await num("#stream-late-accepted"), windows: await num("#stream-windows"),
      updates: await num("#stream-updates"), rejected: await num("#stream-rejected"),
    },
    {
      events: cli.events, duplicates: cli.duplicates, conflicts: cli.conflicts, late: cli.late,
      late_accepted: cli.late_accepted, windows: cli.windows, updates: cli.updates, rejected: cli.rejected,
    },
  );
  // The fixture's hand-counted cases: e3 and e14 repeated, e7 repeated with another time (a
  // conflict, first wins), e12 beyond the lateness, e8 late but allowed (one update).
  assert.deepEqual([cli.duplicates, cli.conflicts, cli.late, cli.late_accepted, cli.updates], [3, 1, 1, 1, 1]);
  assert.equal(await num("#stream-position"), await num("#stream-total"));
  // The current window's map: c4's Register → Check in [10:03, 10:04).
  assert.match(await text("#stream-window-span"), /10:03:00\.000Z, 2024-05-01T10:04:00\.000Z\)/);
  await page.waitForSelector("#stream-map svg g.node.activity");
  const bars = await page.locator("#stream-chart rect.chart-bar").count();
  assert.equal(bars, 4, "one column per minute");
  assert.match(await text("#stream-mode-event-latency"), /max 0 ms/);
  assert.match(await text("#stream-mode-batch-latency"), /latency mean [1-9]/);
  await shot("stream-replay.png");
  await page.locator("#stream-window").screenshot({ path: new URL("stream-map.png", SHOTS).pathname });
});

test("the downloaded windows are `spur stream --json` on the same file, in both modes", async () => {
  const event = await download();
  assert.match(await text("#stream-cli"), /--mode event --json$/);
  assert.equal(await text("#stream-cli"), `spur stream replay.csv ${[...FLAGS, ...MODES.event, "--json"].join(" ")}`);
  assert.deepEqual(lines(event), lines(spur("stream", LOG, ...FLAGS, ...MODES.event, "--json")));

  await page.click("#stream-mode-batch");
  await page.waitForFunction(() => document.querySelector("#stream-cli")?.textContent.includes("micro-batch:20s"));
  const batch = await download();
  assert.deepEqual(lines(batch), lines(spur("stream", LOG, ...FLAGS, ...MODES.batch, "--json")));

  // Same final windows, different emission histories (micro-batch emits fewer revisions or
  // at other times; here the transcripts differ only in when, not in what ends up held).
  const a = finalWindows(lines(event));
  const b = finalWindows(lines(batch));
  assert.ok(a.length >= 10);
  assert.deepEqual(a, b);
});

test("an XES log replays in event-time order, with the CLI's windows for the same file", async () => {
  // The fixture as XES: a log with no row order of its own.
  const dir = mkdtempSync(join(tmpdir(), "spur-stream-xes-"));
  const xes = join(dir, "replay.xes");
  spur("convert", LOG, xes, "--case", "case", "--activity", "activity", "--timestamp", "timestamp");
  await page.click("#nav-process");
  await page.setInputFiles("#file-input", xes);
  await page.waitForFunction(() => document.querySelector("#summary h2")?.textContent === "replay.xes", null, { timeout: 20_000 });
  await page.click("#nav-stream");
  await page.click("#stream-open");
  await page.waitForFunction(() => document.querySelector("#stream-source")?.textContent.includes("replay.xes"));
  assert.match(await text("#stream-order-note"), /replayed in event-time order/);
  // pm4py's names are the defaults, and the id attribute is found again.
  assert.equal(await page.inputValue("#stream-key"), "case:concept:name");
  assert.equal(await page.inputValue("#stream-time"), "time:timestamp");
  assert.equal(await page.inputValue("#stream-activity"), "concept:name");
  assert.equal(await page.inputValue("#stream-id"), "id");
  await fill("#stream-window-size", "1m");
  await fill("#stream-out-of-order", "10s");
  await fill("#stream-lateness", "30s");
  await page.selectOption("#stream-speed", "10000");
  await page.click("#stream-start");
  await page.waitForFunction(() => document.querySelector("#stream-state")?.textContent.includes("finished"), null, { timeout: 30_000 });
  // In event-time order nothing arrives late; duplicates by id still count once.
  assert.equal(await num("#stream-late"), 0);
  assert.equal(await num("#stream-late-accepted"), 0);
  assert.ok((await num("#stream-duplicates")) >= 2);
  await shot("stream-xes.png");
  await page.click("#stream-mode-event");
  const flags = [
    "--key", "case:concept:name", "--time", "time:timestamp", "--id", "id", "--activity", "concept:name",
    "--window", "tumbling:1m", "--agg", "count,dfg", "--out-of-order", "10s", "--lateness", "30s", ...MODES.event, "--json",
  ];
  await page.waitForFunction(() => document.querySelector("#stream-cli")?.textContent.includes("--mode event"));
  assert.equal(await text("#stream-cli"), `spur stream replay.xes ${flags.join(" ")}`);
  assert.deepEqual(lines(await download()), lines(spur("stream", xes, ...flags)));
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(offMachine(browser.requests), []);
});
