// Runs the built edge worker (worker/build/, made by scripts/build-edge.sh) in real workerd
// through Miniflare's Node API. The edge tests and the demo both start it from here.
// Usage: node tests/support/edge.mjs [PORT]
import { Miniflare } from "miniflare";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const BUILD = fileURLToPath(new URL("../../worker/build/", import.meta.url));

/** Start the worker; resolves to { mf, url }. `port` 0 = any free port on 127.0.0.1. */
export async function startEdge({ port = 0, adminToken = "dev-admin-token" } = {}) {
  if (!existsSync(`${BUILD}shim.mjs`)) {
    throw new Error(`no edge bundle in ${BUILD}: run scripts/build-edge.sh first`);
  }
  const mf = new Miniflare({
    modules: true,
    scriptPath: `${BUILD}shim.mjs`,
    modulesRoot: BUILD,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    kvNamespaces: ["SPUR_MODELS"],
    bindings: { ADMIN_TOKEN: adminToken },
    host: "127.0.0.1",
    port,
  });
  try {
    const url = await mf.ready;
    return { mf, url: url.href };
  } catch (e) {
    await mf.dispose().catch(() => {}); // never leave workerd running behind a failed start
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? 8787);
  const { mf, url } = await startEdge({ port });
  console.log(`edge worker: ${url} (try ${url}health)`);
  // Dispose on SIGTERM/SIGINT or stdin close so workerd is never orphaned.
  const stop = () => mf.dispose().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
