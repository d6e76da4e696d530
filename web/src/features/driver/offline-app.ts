/**
 * The driver's pages open with no network: they register the service worker of
 * web/public/driver-sw.js, scoped to /chauffeur (staff and member pages never go through it),
 * and hand it the app's files this page loaded before it was there. Resolves true once the
 * worker holds the app's page and every one of those files; false where the browser has no
 * service worker (a plain http address other than localhost) or keeping them failed.
 */
export const driverWorkerScope = '/chauffeur';
const workerUrl = '/driver-sw.js';

let registering: Promise<boolean> | undefined;

/** The app's built files (/assets/…) this page has loaded, as the browser timed them. */
export function loadedAssets(entries: readonly { name: string }[], origin: string): string[] {
  const urls = new Set<string>();
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry.name);
    } catch {
      continue;
    }
    if (url.origin === origin && url.pathname.startsWith('/assets/')) urls.add(url.pathname);
  }
  return [...urls];
}

function keepAssets(worker: ServiceWorker, urls: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<{ kept?: boolean }>) => resolve(event.data?.kept === true);
    worker.postMessage({ type: 'keep-assets', urls }, [channel.port2]);
  });
}

async function register(): Promise<boolean> {
  const registration = await navigator.serviceWorker.register(workerUrl, { scope: driverWorkerScope });
  await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (!worker) return false;
  const entries = performance.getEntriesByType('resource');
  // Module scripts (the entry, this page's chunk) are in the resource timings; the CSS too.
  return keepAssets(worker, loadedAssets(entries, location.origin));
}

/** Registers the driver's service worker once per page; whether the app can now open offline. */
export function makeDriverAppOffline(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return Promise.resolve(false);
  registering ??= register().catch(() => false);
  return registering;
}
