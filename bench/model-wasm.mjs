// Process models in the browser (wasm, the analysis worker) against the native CLI on the same
// logs and nets (docs/BENCHMARKS.md, issue 14: "wasm ≤ 2× native").
//
//   node bench/model-wasm.mjs LOG NET.pnml [--method tbr|both] [--repeats N] [--warm N]
//
// Needs the release app in dist/ (`trunk build`) and a release CLI ($SPUR_BIN, else
// target/release/spur). LOG is dropped on the Load screen in Chromium; the Model card's worker
// reports the milliseconds of the inductive miner on the whole log (`#model-sizes[data-mined-ms]`,
// IM at noise 0); NET is then uploaded as the reference model and the worker reports token
// replay, precision and alignments (`#model-check-times`, computation only). Each is measured
// cold (first call on a fresh page) and warm (the same call again on that page). Natively,
// `spur discover LOG --timing` and `spur conformance LOG NET --method M --timing` time the same
// computations. Medians of N runs each.
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { serveStatic } from "../tests/support/static-server.mjs";
import { launch } from "../tests/support/browser.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const args = process.argv.slice(2);
let repeats = 3;
let warmCalls = 1;
let method = "both";
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--repeats") repeats = Number(args[++i]);
  else if (args[i] === "--warm") warmCalls = Number(args[++i]);
  else if (args[i] === "--method") method = args[++i];
  else files.push(args[i]);
}
if (files.length !== 2 || !(repeats >= 1) || !["tbr", "both"].includes(method)) {
  console.error("usage: node bench/model-wasm.mjs LOG NET.pnml [--method tbr|both] [--repeats N] [--warm N]");
  process.exit(2);
}
const [log, net] = files;
const spurBin = process.env.SPUR_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "release", "spur");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parts = ["mined", "tbr", "precision", "alignments"];

// Cold: the first call on a fresh page (V8 runs wasm in its baseline tier first); warm: the
// same call again on the same page, as an analyst who keeps working sees it.
const wasm = Object.fromEntries(parts.map((p) => [p, []]));
const cold = Object.fromEntries(parts.map((p) => [p, []]));
const scratch = Object.fromEntries(parts.map((p) => [p, []]));
const server = await serveStatic(join(ROOT, "dist"));
const browser = await launch();
const mined = (page) => page.getAttribute("#model-sizes", "data-mined-ms").then(Number);
const checkTimes = async (page, into) => {
  await page.setInputFiles("#model-file", net);
  await page.waitForSelector("#model-progress", { state: "attached", timeout: 60_000 }).catch(() => {});
  await page.waitForSelector("#model-check-times, #model-check-error", { state: "attached", timeout: 3_600_000 });
  if (await page.locator("#model-check-error").count()) throw new Error(await page.locator("#model-check-error").innerText());
  for (const p of ["tbr", "precision", "alignments"]) {
    const v = await page.getAttribute("#model-check-times", `data-${p}-ms`);
    if (v !== null) into[p].push(Number(v));
  }
};
try {
  for (let r = 0; r < repeats; r++) {
    const page = await browser.context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(server.url);
    await page.setInputFiles("#file-input", log);
    await page.waitForFunction((n) => document.querySelector("#summary h2")?.textContent === n, basename(log), { timeout: 1_800_000 });
    // The Model card is a tab of the process workspace.
    await page.click("#pane-tab-model");
    await page.waitForSelector("#model-sizes[data-mined-ms]", { timeout: 1_800_000 });
    cold.mined.push(await mined(page));
    // IMf at 0.1, then IM again: the second IM is warm.
    const tree = await page.locator("#model-tree").textContent();
    await page.selectOption("#model-noise", "0.1");
    await page.waitForFunction((t) => document.querySelector("#model-tree")?.textContent !== t, tree, { timeout: 600_000 }).catch(() => {});
    await page.selectOption("#model-noise", "0");
    await page.waitForFunction((t) => document.querySelector("#model-tree")?.textContent === t, tree, { timeout: 600_000 });
    wasm.mined.push(await mined(page));
    await page.selectOption("#model-method", method);
    await checkTimes(page, cold);
    for (let w = 0; w < warmCalls; w++) await checkTimes(page, w + 1 === warmCalls ? wasm : scratch);
    await page.close();
  }
} finally {
  await browser.context.close();
  await server.close();
}

const native = Object.fromEntries(parts.map((p) => [p, []]));
const ms = (text, label) => {
  const m = text.match(new RegExp(`${label} ([0-9.]+) ms`));
  return m ? Number(m[1]) : null;
};
for (let r = 0; r < repeats; r++) {
  // The timings are on stderr; stdout (the report) is discarded.
  const stderr = (argv) => {
    const run = spawnSync(spurBin, argv, { encoding: "utf8", maxBuffer: 256 << 20 });
    if (run.status !== 0) throw new Error(`spur ${argv.join(" ")}: ${run.stderr}`);
    return run.stderr;
  };
  native.mined.push(ms(stderr(["discover", log, "--timing"]), "inductive miner"));
  const c = stderr(["conformance", log, net, "--method", method, "--timing"]);
  for (const [p, label] of [["tbr", "token replay fitness"], ["precision", "precision"], ["alignments", "alignments"]]) {
    const v = ms(c, label);
    if (v !== null) native[p].push(v);
  }
}
console.log(`${basename(log)} vs ${basename(net)} (${repeats} runs, medians)`);
for (const p of parts) {
  if (!wasm[p].length || !native[p].length) continue;
  const w = median(wasm[p]), c = median(cold[p]), n = median(native[p]);
  console.log(`BENCH model_${p} wasm_warm_ms=${w.toFixed(1)} wasm_cold_ms=${c.toFixed(1)} native_ms=${n.toFixed(1)} ` +
    `ratio_warm=${(w / n).toFixed(2)} ratio_cold=${(c / n).toFixed(2)} log=${basename(log)}`);
}
