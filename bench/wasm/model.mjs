// wasm/native ratio of the process-model steps (issue 14: "wasm ≤ 2× native"), with one harness:
// bench/wasm's `model_step` compiled to wasm32 (run here in Node's V8, the engine of Chromium's
// workers) and natively (`model-native`), each called W times to warm up (V8 tiers hot wasm up
// from Liftoff to TurboFan), then timed N times (a sample: a batch of calls lasting ≥ 50 ms);
// medians. Unlike bench/model-wasm.mjs (the real
// app in Chromium, one call per page), it resolves sub-millisecond steps.
//
// usage: node bench/wasm/model.mjs WASM NATIVE_BIN LOG MODEL.pnml [--repeats N] [--warm W]
//        [--steps inductive_miner,token_replay,precision,alignments]
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(name); return i >= 0 ? parseInt(args[i + 1], 10) : d; };
const repeats = Math.max(1, opt("--repeats", 5)), warm = Math.max(0, opt("--warm", 2));
const [wasmPath, nativeBin, logPath, modelPath] = args.filter((a, i) => !a.startsWith("--") && !(args[i - 1] ?? "").startsWith("--"));
if (!modelPath) {
  console.error("usage: node bench/wasm/model.mjs WASM NATIVE_BIN LOG MODEL.pnml [--repeats N] [--warm W]");
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const w = instance.exports;
const put = (bytes) => {
  const ptr = w.alloc(bytes.length);
  new Uint8Array(w.memory.buffer, ptr, bytes.length).set(bytes);
  return ptr;
};
const logBytes = readFileSync(logPath), modelBytes = readFileSync(modelPath);
const kind = /\.xes\.gz$/i.test(logPath) ? 2 : /\.xes$/i.test(logPath) ? 1 : 0;
if (w.import_log(put(logBytes), logBytes.length, kind) < 0) throw new Error(`${logPath}: refused`);
if (w.load_model(put(modelBytes), modelBytes.length, /\.bpmn$/i.test(modelPath) ? 1 : 0) < 0) throw new Error(`${modelPath}: refused`);
const ALL = ["inductive_miner", "token_replay", "precision", "alignments"];
const si = args.indexOf("--steps");
const steps = si >= 0 ? args[si + 1].split(",") : ALL;
if (steps.some((s) => !ALL.includes(s))) throw new Error(`--steps: one of ${ALL.join(", ")}`);
const BATCH_MS = 50;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wasm = {};
for (const name of steps) {
  const which = ALL.indexOf(name);
  let result;
  for (let i = 0; i < warm; i++) result = w.model(which);
  // As model-native: a sample is a batch of calls lasting at least BATCH_MS.
  let t = performance.now();
  w.model(which);
  const batch = Math.min(10_000, Math.max(1, Math.floor(BATCH_MS / Math.max(1e-6, performance.now() - t))));
  const ts = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    for (let k = 0; k < batch; k++) result = w.model(which);
    ts.push((performance.now() - t) / batch);
  }
  wasm[name] = { ms: median(ts), result };
}
const run = spawnSync(nativeBin, [logPath, modelPath, "--repeats", String(repeats), "--warm", String(warm), "--steps", steps.join(",")], { encoding: "utf8" });
if (run.status !== 0) throw new Error(`${nativeBin}: ${run.stderr}`);
const native = JSON.parse(run.stdout);
const rows = steps.map((s) => {
  if (Math.abs(wasm[s].result - native[s].result) > 1e-9) throw new Error(`${s}: wasm ${wasm[s].result} ≠ native ${native[s].result}`);
  return { step: s, wasm_ms: +wasm[s].ms.toFixed(3), native_ms: +native[s].ms.toFixed(3), ratio: +(wasm[s].ms / native[s].ms).toFixed(2) };
});
console.log(JSON.stringify({ log: logPath, model: modelPath, node: process.version, repeats, warm, rows }, null, 1));
