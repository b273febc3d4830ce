// Spur's service worker (generated at build time by scripts/build-sw.mjs from app/sw.template.js).
// Precache everything the build produced on the first visit; afterwards serve the app from the
// cache first, so it loads and works with the network off. Data files users open never pass
// through here: they are read from disk in the page, not fetched.
const VERSION = "__SPUR_VERSION__";
const PRECACHE = __SPUR_PRECACHE__;
const CACHE = `spur-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("spur-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
      if (hit) return hit;
      if (request.mode === "navigate") {
        const shell = await cache.match("./");
        if (shell) return shell;
      }
      const response = await fetch(request);
      if (response.ok) cache.put(request, response.clone());
      return response;
    }),
  );
});
