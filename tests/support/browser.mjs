// Launch Debian's Chromium through playwright-core with the flags this closed network needs,
// and record every request a page makes so tests can assert nothing left 127.0.0.1, and every error a
// page raised (an uncaught exception, a wasm trap, a Rust panic the panic hook logged) so a test
// fails on it instead of passing over a broken screen.
import { chromium } from "playwright-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.SPUR_CHROMIUM ?? "/usr/bin/chromium";

export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), "spur-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1200, height: 900 },
  });
  const requests = [];
  context.on("request", (r) => requests.push(r.url()));
  const errors = [];
  context.on("weberror", (e) => {
    const err = e.error();
    errors.push(`${err.message}\n${err.stack ?? ""}`);
  });
  context.on("console", (m) => {
    if (m.type() === "error" && /panicked at/.test(m.text())) errors.push(m.text());
  });
  return { context, requests, errors };
}

/** Fails with every page error seen since the last call (call it in `afterEach`). */
export function assertNoPageErrors(browser) {
  const seen = browser?.errors.splice(0) ?? [];
  if (seen.length) throw new Error(`the page raised ${seen.length} error(s):\n${seen.join("\n---\n")}`);
}

/** URLs in `requests` that left this machine (anything but 127.0.0.1 and in-page schemes). */
export function offMachine(requests) {
  return requests.filter((u) => {
    const { protocol, hostname } = new URL(u);
    if (["data:", "blob:", "about:", "chrome:", "chrome-extension:"].includes(protocol)) return false;
    return hostname !== "127.0.0.1";
  });
}
