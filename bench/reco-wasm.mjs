// Recommender training in the browser (wasm, the Recommendations screen's worker) against the
// native CLI on the same clickstream (docs/BENCHMARKS.md, "wasm ≤ 2× native").
//
//   node bench/reco-wasm.mjs CLICKS.csv [TEST_DAYS] [REPEATS]
//
// Needs the release app in dist/ (`trunk build`) and a release CLI ($SPUR_BIN, else
// target/release/spur). Opens the file on the Recommendations screen in Chromium, reads it with
// the preview's mapping (the demo shop's columns are found by name), trains, and prints the
// worker's wall time for training the shipped model on all sessions (tune + fit: what
// `spur reco bench` reports as train_s), then runs `spur reco bench` on the same file.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { serveStatic } from "../tests/support/static-server.mjs";
import { launch } from "../tests/support/browser.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const [file, testDays = "3", repeats = "1"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/reco-wasm.mjs CLICKS.csv [TEST_DAYS] [REPEATS]");
  process.exit(2);
}
const spurBin = process.env.SPUR_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "release", "spur");

const server = await serveStatic(join(ROOT, "dist"));
const browser = await launch();
const wasm = [];
try {
  const page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(server.url);
  await page.click("#nav-reco");
  for (let r = 0; r < Number(repeats); r++) {
    const t0 = Date.now();
    await page.setInputFiles("#reco-file", file);
    await page.waitForSelector("#reco-read:enabled", { timeout: 300_000 });
    await page.click("#reco-read");
    await page.waitForSelector("#reco-clicks, #reco-error", { timeout: 600_000 });
    if (await page.locator("#reco-error").count()) throw new Error(await page.locator("#reco-error").innerText());
    const readMs = Date.now() - t0;
    await page.fill("#reco-test-days", testDays);
    await page.locator("#reco-test-days").dispatchEvent("change");
    await page.click("#reco-train");
    await page.waitForSelector("#reco-results, #reco-error", { timeout: 1_800_000 });
    if (await page.locator("#reco-error").count()) throw new Error(await page.locator("#reco-error").innerText());
    const trainMs = Number(await page.locator("#reco-train-time").getAttribute("data-train-ms"));
    const evaluateMs = Number(await page.locator("#reco-train-time").getAttribute("data-evaluate-ms"));
    const counts = await page.locator("#reco-counts").innerText();
    console.log(`wasm run ${r + 1}: ${counts}`);
    console.log(`  read ${(readMs / 1000).toFixed(2)} s (upload, import, sessions), evaluation ${(evaluateMs / 1000).toFixed(2)} s, training ${(trainMs / 1000).toFixed(2)} s`);
    wasm.push(trainMs / 1000);
  }
} finally {
  await browser.context.close();
  await server.close();
}
const native = JSON.parse(execFileSync(spurBin, ["reco", "bench", file, "--session", "session_id", "--item", "item_id",
  "--time", "timestamp", "--repeats", repeats], { encoding: "utf8", maxBuffer: 64 << 20 }));
wasm.sort((a, b) => a - b);
const w = wasm[Math.floor(wasm.length / 2)];
console.log(`native: ${native.clicks} clicks, ${native.items} items, train_s ${native.train_s.toFixed(2)} (CPU ${native.train_cpu_s.toFixed(2)})`);
console.log(`BENCH reco_wasm_train_s=${w.toFixed(2)} reco_native_train_s=${native.train_s.toFixed(2)} ratio=${(w / native.train_s).toFixed(2)}`);
