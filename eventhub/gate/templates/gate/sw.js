// The gate scanner's service worker: the scanner opens and scans with no network at all.
// The page and its files come from the cache of this release first (a release is named by
// the digest of its files); the API is never cached, the scanner's script handles its
// failures itself.
"use strict";

const VERSION = "gate-{{ version }}";
const ASSETS = {{ assets | tojson }};
const INDEX = ASSETS[0];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("gate-") && name !== VERSION)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // always the network
  if (request.mode === "navigate" && url.pathname === INDEX) {
    // The page: this release's copy at once; a newer worker (with its page) installs when
    // the browser next checks sw.js.
    event.respondWith(
      caches.match(INDEX, { cacheName: VERSION }).then((hit) => hit || fetch(request))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: VERSION, ignoreSearch: true }).then(
      (hit) => hit || fetch(request)
    )
  );
});
