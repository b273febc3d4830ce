// Runs the built edge worker (worker/build/, made by scripts/build-edge.sh) in real workerd
// through Miniflare's Node API. The edge tests, the benchmark and the demo start it from here.
// Usage: node tests/support/edge.mjs [PORT]   (admin token: $SPUR_ADMIN_TOKEN or DEV_ADMIN_TOKEN)
import { Miniflare } from "miniflare";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const BUILD = fileURLToPath(new URL("../../worker/build/", import.meta.url));

/** The local-only admin token of the demo and the tests (admin needs ≥ 32 bytes). */
export const DEV_ADMIN_TOKEN = "spur-dev-admin-token-not-a-secret-0123456789";

/**
 * Start the worker; resolves to { mf, url }. `port` 0 = any free port on 127.0.0.1.
 * `adminToken` null leaves ADMIN_TOKEN unset; `vars` overrides ALLOWED_ORIGINS /
 * MODEL_CHECK_SECONDS; `build` is the bundle directory; `persist` a directory where the
 * events Durable Objects keep their (SQLite-backed) storage across restarts (false: memory).
 * `direct` also opens a socket straight to the worker (Miniflare's `unsafeDirectSockets`),
 * bypassing Miniflare's own entry worker, and resolves `url` to it: what a deployed worker's
 * runtime does, without the simulator's extra hop (the latency benchmark measures both).
 */
export async function startEdge({ port = 0, adminToken = DEV_ADMIN_TOKEN, vars = {}, build = BUILD, persist = false, direct = false } = {}) {
  if (!build.endsWith("/")) build += "/";
  if (!existsSync(`${build}shim.mjs`)) {
    throw new Error(`no edge bundle in ${build}: run scripts/build-edge.sh first`);
  }
  const bindings = { ALLOWED_ORIGINS: "http://127.0.0.1:8080", MODEL_CHECK_SECONDS: "5", ...vars };
  if (adminToken !== null) bindings.ADMIN_TOKEN = adminToken;
  const mf = new Miniflare({
    modules: true,
    scriptPath: `${build}shim.mjs`,
    modulesRoot: build,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    kvNamespaces: ["SPUR_MODELS"],
    durableObjects: { SPUR_EVENTS: { className: "SessionEvents", useSQLite: true } },
    durableObjectsPersist: persist,
    bindings,
    host: "127.0.0.1",
    port,
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
  });
  try {
    const url = direct ? (await mf.ready, await mf.unsafeGetDirectURL()) : await mf.ready;
    return { mf, url: url.href };
  } catch (e) {
    await mf.dispose().catch(() => {}); // never leave workerd running behind a failed start
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? 8787);
  const { mf, url } = await startEdge({ port, adminToken: process.env.SPUR_ADMIN_TOKEN ?? DEV_ADMIN_TOKEN });
  console.log(`edge worker: ${url} (try ${url}health)`);
  // Dispose on SIGTERM/SIGINT or stdin close so workerd is never orphaned.
  const stop = () => mf.dispose().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
