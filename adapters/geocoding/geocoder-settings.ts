import Type from 'typebox';
import { createBanGeocoder, type Geocoder } from './ban-geocoder.ts';

/**
 * The address geocoder from the environment. In production, `GEOCODER_URL` is the
 * Géoplateforme's (`https://data.geopf.fr/geocodage`, the BAN's own service; the older
 * `https://api-adresse.data.gouv.fr` answers the same way). Locally it is unset, the default:
 * no geocoder runs, and staff place a member on the map themselves.
 */
export const GeocoderSettings = Type.Object({
  /** The geocoder's base: GET `<GEOCODER_URL>/search`. Unset: no geocoding. */
  GEOCODER_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** How long one request may take before it counts as unanswered (seconds). */
  GEOCODER_TIMEOUT_SECONDS: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 10 })),
  /** Below this score (0 to 1) an answer is a guess, and the member is left for staff to place. */
  GEOCODER_MINIMUM_SCORE: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.6 })),
});
export type GeocoderSettings = Type.Static<typeof GeocoderSettings>;

/** The geocoder, or undefined when none is configured (members without a position are flagged). */
export function geocoderFrom(settings: GeocoderSettings): Geocoder | undefined {
  if (!settings.GEOCODER_URL) return undefined;
  return createBanGeocoder({
    baseUrl: settings.GEOCODER_URL,
    timeoutMs: (settings.GEOCODER_TIMEOUT_SECONDS ?? 10) * 1000,
    minimumScore: settings.GEOCODER_MINIMUM_SCORE,
  });
}
