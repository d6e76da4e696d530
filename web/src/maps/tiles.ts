import type { MapTiles } from '../api-client/config.ts';

/** What the API would say if it said nothing: OpenStreetMap's own tiles. */
const openStreetMap: MapTiles = {
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '© contributeurs OpenStreetMap',
};

let tiles: MapTiles = openStreetMap;

/** Set at start-up from GET /api/config (step 2 of hydration). */
export function setMapTiles(settings: MapTiles | undefined): void {
  tiles = settings?.tileUrl ? settings : openStreetMap;
}

export function mapTiles(): MapTiles {
  return tiles;
}
