// Browser end-to-end: the built app (dist/) in headless Chromium. The demo log is parsed in the
// Web Worker by spur-core and its counts appear; a CSV the user picks is previewed, then imported
// with #csv-import; a broken file shows a located error and the page stays usable; no request leaves 127.0.0.1.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";

const SHOTS = new URL("../../out/screenshots/", import.meta.url);
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

const text = (sel) => page.locator(sel).innerText();

test("the demo log is counted in the worker and shown", async () => {
  await page.goto(server.url);
  await page.click("#load-demo");
  await page.waitForSelector("#summary", { timeout: 20_000 });
  assert.equal(await text("#count-events"), "1202");
  assert.equal(await text("#count-cases"), "240");
  assert.equal(await text("#count-activities"), "8");
  // The count came from the worker: the worker script was loaded.
  assert.ok(browser.requests.some((u) => u.includes("analysis_worker")), "the analysis worker was started");
  await page.screenshot({ path: new URL("demo-summary.png", SHOTS).pathname, fullPage: true });
});

test("a broken file shows a located error and the page stays usable", async () => {
  await page.setInputFiles("#file-input", {
    name: "broken.csv", mimeType: "text/csv",
    buffer: Buffer.from("case,activity,timestamp\n1,a,2024-01-01\n2,\"b,2024-01-02\n"),
  });
  // A CSV is previewed first (its first rows read fine); the import finds the open quote.
  await page.waitForSelector("#csv-table-0", { timeout: 20_000 });
  await page.click("#csv-import");
  await page.waitForSelector("#error", { timeout: 20_000 });
  const message = await text("#error");
  assert.match(message, /broken\.csv/);
  assert.match(message, /line 3/);
  await page.screenshot({ path: new URL("bad-file.png", SHOTS).pathname, fullPage: true });
  await page.click("#load-demo");
  await page.waitForSelector("#summary", { timeout: 20_000 });
  assert.equal(await text("#count-events"), "1202");
});

test("a file the user picks is counted", async () => {
  await page.setInputFiles("#file-input", {
    name: "small.csv", mimeType: "text/csv",
    buffer: Buffer.from("case,activity,timestamp\n1,a,2024-01-01T10:00:00\n1,b,2024-01-01T11:00:00\n2,a,2024-01-02T10:00:00\n"),
  });
  await page.waitForSelector("#csv-table-0", { timeout: 20_000 });
  await page.click("#csv-import");
  await page.waitForFunction(() => document.querySelector("#summary h2")?.textContent === "small.csv", null, { timeout: 20_000 });
  assert.equal(await text("#count-events"), "3");
  assert.equal(await text("#count-cases"), "2");
});

test("no request left 127.0.0.1", () => {
  assert.ok(browser.requests.length > 3, "requests were recorded");
  assert.deepEqual(offMachine(browser.requests), []);
});
