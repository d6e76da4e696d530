import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoDepots } from '../../infra/demo/demo-gardens.ts';
import type { TestApi } from '../support/api.ts';
import { signedInPage, startBrowserTest } from '../support/browser.ts';

interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the staff map names every depot readably', () => {
  let api: TestApi;
  let browser: Browser;
  // The demo garden's depots (École-Valentin sits between Chalezeule and Besançon), beside the
  // test garden's own depot in the centre of Besançon.
  const depots = demoDepots['val-du-doubs'] ?? [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('map-labels'));
    for (const depot of depots)
      await api.store.depots.createIfAbsent({ ...depot, gardenId: api.gardenId, version: 1 });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('places the depots’ labels apart from each other, inside the map', async () => {
    expect(depots.map((depot) => depot.name)).toContain('École-Valentin – Mairie');
    const page = await signedInPage(browser, api.accounts.staff);
    await page.getByTestId('nav-map').click();
    const labels = page.locator('.map-marker-depot .map-marker-body');
    await expect.poll(() => labels.count(), { timeout: 20_000 }).toBe(depots.length + 1);
    // Leaflet settles (fit, zoom) and the labels are placed.
    await page.waitForTimeout(800);

    const boxes: Box[] = [];
    for (let i = 0; i < (await labels.count()); i++) {
      const label = labels.nth(i);
      const box = await label.boundingBox();
      if (!box) throw new Error(`label ${i} is not shown`);
      boxes.push({ name: (await label.textContent()) ?? '', ...box });
    }
    for (const depot of [...depots.map((d) => d.name), 'Dépôt du centre']) {
      expect(boxes.some((box) => box.name.includes(depot))).toBe(true);
    }
    const overlapping = boxes.flatMap((a, i) =>
      boxes.slice(i + 1).flatMap((b) => (overlap(a, b) ? [`${a.name} / ${b.name}`] : [])),
    );
    expect(overlapping).toEqual([]);

    const map = await page.getByTestId('garden-map').boundingBox();
    if (!map) throw new Error('no map');
    for (const box of boxes) {
      expect(box.x, box.name).toBeGreaterThanOrEqual(map.x);
      expect(box.y, box.name).toBeGreaterThanOrEqual(map.y);
      expect(box.x + box.width, box.name).toBeLessThanOrEqual(map.x + map.width);
      expect(box.y + box.height, box.name).toBeLessThanOrEqual(map.y + map.height);
    }
    // Each label is the topmost thing at its centre: nothing else (another label, a marker) hides it.
    const hidden = await page.evaluate<
      string[]
    >(`[...document.querySelectorAll('.map-marker-depot .map-marker-body')]
      .filter((label) => {
        const box = label.getBoundingClientRect();
        const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return !top || !(top === label || label.contains(top));
      })
      .map((label) => label.textContent)`);
    expect(hidden).toEqual([]);
    await page.close();
  });
});
