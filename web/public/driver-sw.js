// The driver's offline app: a service worker registered by the driver's pages with the scope
// /chauffeur, so it controls only those pages (staff, members and the sign-in pages never go
// through it). It keeps two things, and nothing personal:
// - the app's page (index.html, the same for every address the app routes itself), fetched from
//   the network first and kept as it came; with no network, the kept copy opens the page;
// - the built files under /assets/ (their names carry a hash of their content, so a kept copy is
//   never stale): served from the cache, fetched and kept otherwise. The files the page loaded
//   before this worker controlled it are sent by the page ('keep-assets'), so they are kept too.
// Everything else (the API, Keycloak, map tiles) goes to the network as if this worker were not
// there: the app itself keeps the day's route and the marks waiting (IndexedDB).
// See web/src/features/driver/README.md.

const cacheName = 'cocagne-driver-v1';
/** Where the app's page is kept, whatever address it was fetched for. */
const pageKey = '/chauffeur/?app-page';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      await keepPage(cache, await fetch('/chauffeur', { cache: 'no-cache', credentials: 'same-origin' }));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('cocagne-driver-') && name !== cacheName) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

/** Keeps a page answer when it is the app's page (HTML, 200, from this origin). */
async function keepPage(cache, response) {
  const type = response.headers.get('content-type') ?? '';
  if (response.ok && response.type === 'basic' && type.startsWith('text/html'))
    await cache.put(pageKey, response.clone());
  return response;
}

function isAsset(url) {
  return url.origin === self.location.origin && url.pathname.startsWith('/assets/');
}

async function fromNetworkFirst(request) {
  const cache = await caches.open(cacheName);
  try {
    return await keepPage(cache, await fetch(request));
  } catch (error) {
    const kept = await cache.match(pageKey);
    if (kept) return kept;
    throw error;
  }
}

async function fromCacheFirst(request) {
  const cache = await caches.open(cacheName);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (request.mode === 'navigate' && url.origin === self.location.origin) {
    event.respondWith(fromNetworkFirst(request));
  } else if (isAsset(url)) {
    event.respondWith(fromCacheFirst(request));
  }
});

/** The page's own files, loaded before this worker controlled it: kept now, answered when done. */
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'keep-assets' || !Array.isArray(data.urls)) return;
  const port = event.ports[0];
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      let missing = 0;
      for (const href of data.urls) {
        const url = new URL(href, self.location.origin);
        if (!isAsset(url)) continue;
        if (await cache.match(url.href, { ignoreVary: true })) continue;
        try {
          const response = await fetch(url.href, { credentials: 'same-origin' });
          if (response.ok) await cache.put(url.href, response);
          else missing += 1;
        } catch {
          missing += 1;
        }
      }
      const page = await cache.match(pageKey);
      port?.postMessage({ kept: missing === 0 && page !== undefined });
    })(),
  );
});
