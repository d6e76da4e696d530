import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { MapPoint } from '../features/members/members-api.ts';
import { mapTiles } from './tiles.ts';

export type { MapPoint };

/** Where a map with nothing on it looks: France. */
const france: MapPoint = { lat: 46.6, lng: 2.4 };

/**
 * A Leaflet map with the configured tiles. The maps work without tiles (markers, popups,
 * dragging, zoom): when no tile can be loaded (offline, a tile server down), `onTiles(false)`
 * lets the page say so discreetly; a tile that loads later says `true`.
 */
export function createBaseMap(element: HTMLElement, onTiles: (available: boolean) => void): L.Map {
  // Whoever asked for less motion: no zoom, pan or fade animation (prefers-reduced-motion).
  const still = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  const map = L.map(element, {
    zoomControl: true,
    attributionControl: true,
    keyboard: true,
    zoomAnimation: !still,
    fadeAnimation: !still,
    markerZoomAnimation: !still,
  });
  const { tileUrl, attribution } = mapTiles();
  let loaded = false;
  L.tileLayer(tileUrl, { attribution, maxZoom: 19 })
    .on('tileload', () => {
      loaded = true;
      onTiles(true);
    })
    .on('tileerror', () => {
      if (!loaded) onTiles(false);
    })
    .addTo(map);
  map.setView([france.lat, france.lng], 5);
  return map;
}

/** Shows every point, close enough to tell them apart; France when there is none. */
export function fitPoints(
  map: L.Map,
  points: readonly MapPoint[],
  zoomForOne = 14,
  /** Room around the points: labelled markers need more than pins. */
  padding: [number, number] = [32, 32],
): void {
  const [first] = points;
  if (!first) return;
  if (points.length === 1) {
    map.setView([first.lat, first.lng], zoomForOne);
    return;
  }
  map.fitBounds(L.latLngBounds(points.map((point) => [point.lat, point.lng])), { padding, maxZoom: 15 });
}

/**
 * What a map shows of the page's data, drawn again whenever the data changes: each drawing
 * replaces the one before, and the view is fitted to the points only the first time there are
 * any, so that the map stays where the person moved it.
 */
export function mapDrawing(map: L.Map) {
  let layer: L.LayerGroup | undefined;
  let fitted = false;
  return {
    /** An empty layer in place of the last drawing. */
    fresh(): L.LayerGroup {
      layer?.remove();
      layer = L.layerGroup().addTo(map);
      return layer;
    },
    fitOnce(points: readonly MapPoint[], zoomForOne: number, padding?: [number, number]): void {
      if (fitted || points.length === 0) return;
      fitPoints(map, points, zoomForOne, padding);
      fitted = true;
    },
  };
}

/**
 * Text for Leaflet (a tooltip, a popup, an icon) as an element. Leaflet inserts a string as
 * HTML, and these texts are names people typed: as an element, they stay text.
 */
export function textElement(text: string, className?: string): HTMLSpanElement {
  const element = document.createElement('span');
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

/** A marker drawn in HTML (no image files to ship): a pin, a house, or a depot's label. */
export function markerIcon(kind: 'pin' | 'home' | 'depot', text = '', warning = false): L.DivIcon {
  const element = textElement(text, 'map-marker-body');
  const sizes = { pin: [28, 28], home: [30, 30], depot: [0, 0] } as const;
  const [width, height] = sizes[kind];
  return L.divIcon({
    className: `map-marker map-marker-${kind}${warning ? ' map-marker-warning' : ''}`,
    html: element,
    ...(kind === 'depot'
      ? { iconSize: undefined, iconAnchor: [0, 0] }
      : { iconSize: [width, height], iconAnchor: [width / 2, height] }),
  });
}

/** A popup's content: its title and lines, as text (names are never HTML). */
export function mapPopup(title: string, lines: readonly string[]): HTMLDivElement {
  const box = document.createElement('div');
  box.className = 'map-popup';
  const heading = document.createElement('strong');
  heading.textContent = title;
  box.append(heading);
  for (const line of lines) {
    const paragraph = document.createElement('p');
    paragraph.textContent = line;
    box.append(paragraph);
  }
  return box;
}

export function toPoint(latLng: L.LatLng): MapPoint {
  return { lat: Math.round(latLng.lat * 1e6) / 1e6, lng: Math.round(latLng.lng * 1e6) / 1e6 };
}
