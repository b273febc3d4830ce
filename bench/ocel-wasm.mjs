// OCEL import in the browser (wasm, the analysis worker) against the native CLI on the same files
// (docs/BENCHMARKS.md, issue 17: "natively and in the browser").
//
//   node bench/ocel-wasm.mjs FILE… [--repeats N]
//
// Needs the release app in dist/ (`trunk build`) and a release CLI ($SPUR_BIN, else
// target/release/spur). Each FILE is dropped on the Load screen in Chromium; the worker reports
// its wall time for the import alone (`#ocel[data-read-ms]`), for the overview, and for the first
// object-centric map (OC-DFG + layout); the wall time from dropping the file to the overview on
// screen includes reading the file into the page and handing it to the worker. Then
// `spur ocel bench FILE --repeats N` imports the same bytes natively.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { serveStatic } from "../tests/support/static-server.mjs";
import { launch } from "../tests/support/browser.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const args = process.argv.slice(2);
let repeats = 1;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--repeats") repeats = Number(args[++i]);
  else files.push(args[i]);
}
if (!files.length || !(repeats >= 1)) {
  console.error("usage: node bench/ocel-wasm.mjs FILE… [--repeats N]");
  process.exit(2);
}
const spurBin = process.env.SPUR_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "release", "spur");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serveStatic(join(ROOT, "dist"));
const browser = await launch();
try {
  for (const file of files) {
    const read = [], shown = [], overview = [], map = [], memory = [];
    let events = "?";
    for (let r = 0; r < repeats; r++) {
      const page = await browser.context.newPage();
      page.on("pageerror", (e) => console.error("page error:", e.message));
      await page.goto(server.url);
      const t0 = Date.now();
      await page.setInputFiles("#file-input", file);
      await page.waitForSelector("#ocel, #error", { timeout: 1_800_000 });
      if (await page.locator("#error").count()) throw new Error(await page.locator("#error").innerText());
      shown.push(Date.now() - t0);
      read.push(Number(await page.getAttribute("#ocel", "data-read-ms")));
      overview.push(Number(await page.getAttribute("#ocel", "data-overview-ms")));
      memory.push(Number(await page.getAttribute("#ocel", "data-memory-bytes")));
      await page.waitForSelector("#ocel-map svg", { timeout: 1_800_000 });
      map.push(Number(await page.getAttribute("#ocel-map", "data-map-ms")));
      events = await page.locator("#ocel-events").innerText();
      await page.close();
    }
    const native = JSON.parse(execFileSync(spurBin, ["ocel", "bench", file, "--repeats", String(repeats)],
      { encoding: "utf8", maxBuffer: 64 << 20 }));
    const w = median(read) / 1000;
    const n = native.import_seconds_median;
    console.log(`${file}: ${events} events`);
    console.log(`  wasm: import ${w.toFixed(2)} s, overview ${(median(overview) / 1000).toFixed(2)} s, ` +
      `first map ${(median(map) / 1000).toFixed(2)} s, drop → overview on screen ${(median(shown) / 1000).toFixed(2)} s, ` +
      `worker wasm memory ${(Math.max(...memory) / 2 ** 20).toFixed(0)} MiB (file bytes included)`);
    console.log(`  native: import ${n.toFixed(2)} s, OC-DFG ${native.ocdfg_seconds.toFixed(2)} s, peak RSS ${native.peak_rss_mib} MiB`);
    console.log(`BENCH ocel_wasm_import_s=${w.toFixed(2)} ocel_native_import_s=${n.toFixed(2)} ratio=${(w / n).toFixed(2)} file=${file.split("/").pop()}`);
  }
} finally {
  await browser.context.close();
  await server.close();
}
