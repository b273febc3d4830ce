// Offline: after one visit the service worker has cached the app shell, wasm and demo data, so
// with the network off (Playwright offline mode) the app reloads and still analyses the demo.
// The manifest is served and names installable icons.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveStatic } from "../support/static-server.mjs";
import { assertNoPageErrors, launch, offMachine } from "../support/browser.mjs";

let server, browser, page;

before(async () => {
  server = await serveStatic(new URL("../../dist/", import.meta.url).pathname);
  browser = await launch();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
});
// A wasm trap or panic on the page fails the test that caused it, even if the screen looked right.
afterEach(() => assertNoPageErrors(browser));
after(async () => {
  await browser?.context.close();
  await server?.close();
});

test("the app reloads and works with the network off after the first visit", async () => {
  await page.goto(server.url);
  // The worker takes control once it has precached everything (clients.claim()).
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.state === "activated" && navigator.serviceWorker.controller !== null;
  }, null, { timeout: 30_000 });
  await browser.context.setOffline(true);
  try {
    await page.reload();
    await page.click("#load-demo");
    await page.waitForSelector("#summary", { timeout: 20_000 });
    assert.equal(await page.locator("#count-cases").innerText(), "240");
  } finally {
    await browser.context.setOffline(false);
  }
});

test("the web manifest is served and names its icons", async () => {
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    return (await fetch(href)).json();
  });
  assert.equal(manifest.short_name, "Spur");
  assert.ok(manifest.icons.some((i) => i.sizes === "512x512"), "a 512px icon for installation");
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(offMachine(browser.requests), []);
});
