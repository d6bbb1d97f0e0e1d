// The service worker: keeps the app shell (the page and its content-hashed
// files) in the browser, so that a reload while offline opens the board from
// its local copy instead of the browser's "no internet" page. Board data never
// passes through here: sync sockets and /api calls go to the network as ever,
// and the client keeps its own copy of each board in IndexedDB.
// `cargo xtask build-client` rewrites each quoted "/name.ext" below to the hashed
// file name, so every build installs a new worker with a new cache.

const SHELL = [
  '/',
  '/boot.js',
  '/tafel-client.js',
  '/tafel-client_bg.wasm',
  '/style.css',
  '/inter.woff2',
  '/favicon.svg',
];
const CACHE = 'tafel-shell ' + SHELL[1];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  // Earlier builds' files go; this worker serves the open pages at once.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws/')) return;
  if (request.mode === 'navigate') {
    // The newest page when the server answers; every app route is the same
    // page, kept under "/" for when it does not.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(() => caches.match('/').then((kept) => kept || Response.error())),
    );
    return;
  }
  // Hashed files never change under their name: the kept copy is the file.
  event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
});
