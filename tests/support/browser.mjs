// Launch Debian's Chromium through playwright-core with the flags this closed network needs,
// and record every request a page makes so tests can assert nothing left 127.0.0.1.
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
  return { context, requests };
}

/** URLs in `requests` that left this machine (anything but 127.0.0.1 and in-page schemes). */
export function offMachine(requests) {
  return requests.filter((u) => {
    const { protocol, hostname } = new URL(u);
    if (["data:", "blob:", "about:", "chrome:", "chrome-extension:"].includes(protocol)) return false;
    return hostname !== "127.0.0.1";
  });
}
