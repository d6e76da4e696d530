// After a new release, the web pods serve the new build only: a page opened on the previous one
// finds its lazily loaded chunks gone (404) at the next screen it opens. Vite then emits
// `vite:preloadError`; the page reloads once to take the new release, rather than showing a
// broken screen. A second failure soon after is left to show (the chunk is really missing).
const key = 'cocagne:reloaded-for-release';
const quietMs = 60_000;

export function reloadOnStaleChunks(
  target: Pick<Window, 'addEventListener'> & { location: Pick<Location, 'reload'> },
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  now: () => number = Date.now,
): void {
  target.addEventListener('vite:preloadError', (event: Event) => {
    const last = Number(storage.getItem(key) ?? 0);
    if (Number.isFinite(last) && now() - last < quietMs) return;
    storage.setItem(key, String(now()));
    event.preventDefault();
    target.location.reload();
  });
}
