// Entry module of the edge bundle: instantiate spur-edge's wasm synchronously at module load
// (workerd imports .wasm as a compiled WebAssembly.Module) and hand requests to its `fetch`.
import wasmModule from "./index_bg.wasm";
import { initSync, fetch as handleFetch } from "./index.js";

initSync({ module: wasmModule });

export default {
  fetch(request, env, ctx) {
    return handleFetch(request, env, ctx);
  },
};

// The per-key Durable Object of POST /events (a wasm-bindgen class: constructor(state, env), fetch, alarm).
export { SessionEvents } from "./index.js";
