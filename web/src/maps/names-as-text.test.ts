import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../i18n/index.ts';
import GardenMap from './GardenMap.vue';
import type { DepotMarker, HomeMarker } from './markers.ts';
import PointPicker from './PointPicker.vue';

/**
 * Names on the maps are typed by people (staff name depots, members name themselves), and
 * Leaflet inserts any string it is given as HTML. Each name here would run script if it ever
 * reached Leaflet as a string: it must show as text, and no element may come out of it.
 */
const payload = '<img src=x onerror="window.__xss=1">';

declare global {
  interface Window {
    __xss?: number;
  }
}

const router = createRouter({
  history: createMemoryHistory(),
  routes: [{ path: '/:any(.*)*', component: {} }],
});

/** Mounted in the document, where the test looks for tooltips and popups; in French. */
function onPage() {
  setLocale('fr');
  return { global: { plugins: [i18n, router] }, attachTo: document.body };
}

/** What an HTML payload would have made: an image (other than the map's tiles), or an inline handler. */
function injected(): Element[] {
  return [...document.querySelectorAll('img:not(.leaflet-tile), [onerror]')];
}

describe('names on the maps are text, never HTML', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    delete window.__xss;
  });

  it('shows a depot named with HTML as text in the point picker’s tooltip', async () => {
    const wrapper = mount(PointPicker, {
      ...onPage(),
      props: {
        point: { lat: 47.24, lng: 6.02 },
        landmarks: [{ point: { lat: 47.25, lng: 6.03 }, label: payload }],
        label: 'Emplacement du point de dépôt',
        markerTitle: payload,
        testId: 'depot-map',
      },
    });
    await flushPromises();

    // The landmark is an SVG circle: hovering it opens its tooltip.
    const landmark = document.querySelector('path.leaflet-interactive');
    expect(landmark).not.toBeNull();
    landmark?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    await flushPromises();

    expect(injected()).toEqual([]);
    expect(document.querySelector('.leaflet-tooltip')?.textContent).toBe(payload);
    // The marker's own name is an attribute, which Leaflet sets as text.
    expect(document.querySelector('.leaflet-marker-icon')?.getAttribute('title')).toBe(payload);
    expect(window.__xss).toBeUndefined();
    wrapper.unmount();
  });

  it('shows a depot and a member named with HTML as text on the garden map, in labels and popups', async () => {
    const depot: DepotMarker = {
      id: 'd-centre',
      name: payload,
      point: { lat: 47.24, lng: 6.02 },
      label: '3 / 40',
      lines: [`${payload}, 25000 Besançon`],
      overCapacity: true,
      link: '/equipe/depots/d-centre',
    };
    const home: HomeMarker = {
      memberId: 'm-1',
      name: payload,
      point: { lat: 47.26, lng: 6.04 },
      lines: [`Tournée : ${payload}`],
      link: '/equipe/adherents/m-1',
    };
    const wrapper = mount(GardenMap, {
      ...onPage(),
      props: { depots: [depot], homes: [home], label: 'Carte du jardin' },
    });
    await flushPromises();

    const labels = [...document.querySelectorAll('.map-marker .map-marker-body')].map(
      (body) => body.textContent,
    );
    expect(labels).toEqual([`⚠ ${payload} · 3 / 40`, '⌂']);

    const popupTexts: string[] = [];
    for (const icon of document.querySelectorAll('.leaflet-marker-icon')) {
      icon.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      await flushPromises();
      const popup = document.querySelector('.leaflet-popup-content .map-popup');
      popupTexts.push([...(popup?.children ?? [])].map((child) => child.textContent ?? '').join(' | '));
    }
    expect(popupTexts).toEqual([
      `${payload} | ${payload}, 25000 Besançon | Modifier ce point de dépôt`,
      `${payload} | Tournée : ${payload} | Ouvrir la fiche`,
    ]);
    expect(injected()).toEqual([]);
    expect(window.__xss).toBeUndefined();
    wrapper.unmount();
  });
});
