// Baedal's service worker. `/sw.js` serves this file after a line that defines `BUILD`:
//   { version: "…", precache: ["/pkg/baedal.<hash>.js", …], hashed: true }
//
// Pages always come from the network, so a page and the wasm it names are of the same build;
// without a connection the worker answers with the offline page. Files whose names carry a
// content hash never change, so they are answered from the cache first. A new build changes
// BUILD, the browser installs the new worker, and the old build's cache is deleted once no
// page needs it.

const CACHE = `baedal-${BUILD.version}`;
const OFFLINE_PAGE = '/offline.html';
const SHELL = [
  OFFLINE_PAGE,
  '/offline.js',
  '/offline.css',
  '/pwa.js',
  '/outbox.js',
  '/manifest.webmanifest',
  '/icon.svg',
  '/icon-192.png',
  '/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...SHELL, ...BUILD.precache]))
      // Safe to take over at once: pages come from the network, and the hashed files of the
      // build a page was rendered with stay fetchable.
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('baedal-') && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => offlinePage()));
    return;
  }
  if (url.pathname.startsWith('/pkg/') && BUILD.hashed) {
    event.respondWith(fromCacheThenNetwork(request));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    // The shell's own files: fresh when online, the cached copy when not.
    event.respondWith(
      fetch(request).catch(() => caches.match(request).then((hit) => hit ?? Response.error())),
    );
  }
  // Everything else (server functions, the socket, unhashed files) goes to the network as if
  // there were no worker.
});

async function offlinePage() {
  const cache = await caches.open(CACHE);
  return (await cache.match(OFFLINE_PAGE)) ?? Response.error();
}

async function fromCacheThenNetwork(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // A chunk first needed later (another role's screens) is kept for the next time too.
  if (response.ok) cache.put(request, response.clone());
  return response;
}
