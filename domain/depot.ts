import Type from 'typebox';
import { entityIdPattern } from './ids.ts';
import { PostalAddress } from './member.ts';

/** A pick-up point ("point de dépôt") where members collect their baskets. */
export const Depot = Type.Object({
  id: Type.String({ pattern: entityIdPattern }),
  gardenId: Type.String(),
  name: Type.String(),
  address: PostalAddress,
  location: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
  /** ISO weekday of deliveries, 1 = Monday. */
  deliveryWeekday: Type.Integer({ minimum: 1, maximum: 7 }),
  openingHours: Type.String(),
  /** The pick-up window as times of day (garden time), for calendars: "17:00" to "19:00". */
  pickupWindow: Type.Optional(
    Type.Object({
      start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
      end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
    }),
  ),
  /** How many baskets the depot can hold on a delivery day. */
  capacity: Type.Integer({ minimum: 0 }),
  /** A round that takes baskets to members' homes rather than a place they come to. */
  homeDelivery: Type.Optional(Type.Boolean()),
  contact: Type.Optional(Type.String()),
  notes: Type.Optional(Type.String()),
  version: Type.Integer(),
});
export type Depot = Type.Static<typeof Depot>;

export const weekdayLabels = {
  fr: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
} as const;

/**
 * A place on the map, in degrees. Kept to 7 decimals (about a centimetre): the store
 * (DynamoDB) cannot keep a number as small as 1e-300, which the range alone allows.
 */
export const MapPosition = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude in degrees, kept to 7 decimals.' }),
    lng: Type.Number({
      minimum: -180,
      maximum: 180,
      description: 'Longitude in degrees, kept to 7 decimals.',
    }),
  },
  { additionalProperties: false },
);
export type MapPosition = Type.Static<typeof MapPosition>;

/** The position as kept: 7 decimals, and never -0. */
export function keptPosition(position: MapPosition): MapPosition {
  const keep = (degrees: number) => Math.round(degrees * 1e7) / 1e7 || 0;
  return { lat: keep(position.lat), lng: keep(position.lng) };
}

/** What staff type to create or change a depot. */
export const DepotInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' }),
    address: PostalAddress,
    location: MapPosition,
    deliveryWeekday: Type.Integer({ minimum: 1, maximum: 7 }),
    openingHours: Type.String({ minLength: 1, maxLength: 80 }),
    pickupWindow: Type.Optional(
      Type.Object(
        {
          start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
          end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
        },
        { additionalProperties: false },
      ),
    ),
    capacity: Type.Integer({ minimum: 0, maximum: 10_000 }),
    homeDelivery: Type.Optional(Type.Boolean()),
    contact: Type.Optional(Type.String({ maxLength: 200 })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type DepotInput = Type.Static<typeof DepotInput>;
