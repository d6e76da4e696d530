// How long a member on a slow mobile link waits for the app's first screen (issue 17, item 13).
//
//   npm run stack up && npm run build:web
//   sh infra/local/bin/cocagne exec node bench/mobile-first-load.ts [--web-dist DIR] [--runs N]
//
// Serves the built web app through the real API (as in production: the same static serving and
// headers), then opens it in headless Chromium over a simulated mobile link (1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip, as Lighthouse's "slow 4G"), first with an empty cache, then
// again with the cache of that first visit. It prints, per visit: when the welcome page's title
// appeared, the first contentful paint, the bytes that crossed the link and the requests made.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../tests/support/browser.ts';
import { startTestApi } from '../tests/support/api.ts';

const { values } = parseArgs({
  options: {
    'web-dist': { type: 'string', default: fileURLToPath(new URL('../web/dist', import.meta.url)) },
    runs: { type: 'string', default: '3' },
    verbose: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const port = 8089;
const url = `http://localhost:${port}/`;

/** Lighthouse's mobile throttling ("slow 4G"). */
const mobileLink = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};

interface Visit {
  contentMs: number;
  firstPaintMs: number;
  bytes: number;
  requests: number;
  notModified: number;
}

const api = await startTestApi('bench-mobile-first-load', { webDist: values['web-dist'] });
await api.app.listen({ host: '127.0.0.1', port });
const browser = await launchBrowser();

async function visit(context: Awaited<ReturnType<typeof browser.newContext>>): Promise<Visit> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', mobileLink);
  let bytes = 0;
  let requests = 0;
  let notModified = 0;
  const urls = new Map<string, string>();
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
    if (values.verbose) console.log(`  ${event.encodedDataLength} B  ${urls.get(event.requestId) ?? '?'}`);
  });
  cdp.on('Network.responseReceived', (event) => {
    if (event.response.fromDiskCache) return;
    requests += 1;
    if (event.response.status === 304) notModified += 1;
    urls.set(event.requestId, `${event.response.status} ${event.response.url}`);
  });
  const begin = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('h1').first().waitFor({ state: 'visible', timeout: 60_000 });
  const contentMs = performance.now() - begin;
  const firstPaintMs = await page.evaluate<number>(
    `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`,
  );
  // Let late requests (fonts, the app's settings) finish before counting.
  await page.waitForLoadState('networkidle');
  await page.close();
  return { contentMs, firstPaintMs, bytes, requests, notModified };
}

const format = (v: Visit) =>
  `content ${(v.contentMs / 1000).toFixed(2)} s, first paint ${(v.firstPaintMs / 1000).toFixed(2)} s, ` +
  `${(v.bytes / 1024).toFixed(0)} KiB over ${v.requests} requests (${v.notModified} answered 304)`;

try {
  const cold: Visit[] = [];
  const warm: Visit[] = [];
  for (let run = 1; run <= runs; run += 1) {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true });
    const first = await visit(context);
    const again = await visit(context);
    await context.close();
    cold.push(first);
    warm.push(again);
    console.log(`run ${run}: empty cache: ${format(first)}`);
    console.log(`run ${run}: next visit:  ${format(again)}`);
  }
  const median = (list: Visit[]) =>
    [...list].sort((a, b) => a.contentMs - b.contentMs)[Math.floor(list.length / 2)]!;
  console.log(`median, empty cache: ${format(median(cold))}`);
  console.log(`median, next visit:  ${format(median(warm))}`);
} finally {
  await browser.close();
  await api.close();
}
