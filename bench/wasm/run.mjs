// Drive bench/wasm (spur-core compiled to wasm32) in Node and time each step like
// `spur bench-log`: import (read file + copy into wasm memory + parse), dfg, performance_dfg,
// variants, case_durations; median of --repeats. Prints one JSON object.
//
// usage: node bench/wasm/run.mjs spur_bench_wasm.wasm LOG [--repeats N]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
const wasmPath = args[0], logPath = args[1];
const ri = args.indexOf("--repeats");
const repeats = Math.max(1, ri >= 0 ? parseInt(args[ri + 1], 10) : 5);
if (!wasmPath || !logPath) {
  console.error("usage: node run.mjs WASM LOG [--repeats N]");
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const w = instance.exports;
const kind = /\.xes\.gz$/i.test(logPath) ? 2 : /\.xes$/i.test(logPath) ? 1 : 0;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const importTimes = [];
let events = -1;
for (let r = 0; r < repeats; r++) {
  const t = performance.now();
  const bytes = readFileSync(logPath);
  const ptr = w.alloc(bytes.length);
  new Uint8Array(w.memory.buffer, ptr, bytes.length).set(bytes);
  events = w.import_log(ptr, bytes.length, kind);
  importTimes.push((performance.now() - t) / 1000);
  if (events < 0) {
    console.error(`spur-wasm: ${logPath} was refused by the importer`);
    process.exit(1);
  }
}
const seconds = { import: median(importTimes) };
for (const [name, id] of [["dfg", 0], ["performance_dfg", 1], ["variants", 2], ["case_durations", 3]]) {
  const ts = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    w.step(id);
    ts.push((performance.now() - t) / 1000);
  }
  seconds[name] = median(ts);
}
console.log(JSON.stringify({
  tool: "spur-wasm32", version: `node ${process.version}`, target: "wasm32-unknown-unknown",
  log: logPath, repeats, seconds, events, cases: w.cases(),
  heap_bytes_per_event: events > 0 ? w.heap_bytes() / events : 0,
  wasm_memory_mb: w.memory.buffer.byteLength / 1048576,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
}, null, 1));
