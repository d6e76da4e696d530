import { Value } from 'typebox/value';
import { DepotInput, type Depot } from '../../../../domain/depot.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';
import { numberOf, relabel } from '../../forms/issues.ts';

/** What the depot form holds: text as typed (coordinates too, so they can be typed). */
export interface DepotFormModel {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  lat: string;
  lng: string;
  /** ISO weekday, "1" (Monday) to "7". */
  deliveryWeekday: string;
  openingHours: string;
  pickupStart: string;
  pickupEnd: string;
  capacity: string;
  homeDelivery: boolean;
  contact: string;
  notes: string;
}

export const depotFormFields = [
  'name',
  'street',
  'postalCode',
  'city',
  'lat',
  'lng',
  'deliveryWeekday',
  'openingHours',
  'pickupStart',
  'pickupEnd',
  'capacity',
  'contact',
  'notes',
] as const satisfies readonly (keyof DepotFormModel)[];

export function emptyDepotForm(): DepotFormModel {
  return {
    name: '',
    street: '',
    postalCode: '',
    city: '',
    lat: '',
    lng: '',
    deliveryWeekday: '2',
    openingHours: '',
    pickupStart: '',
    pickupEnd: '',
    capacity: '',
    homeDelivery: false,
    contact: '',
    notes: '',
  };
}

/** Coordinates as shown and typed: to about a metre. */
export function coordinateText(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

export function depotFormOf(depot: Depot): DepotFormModel {
  return {
    name: depot.name,
    street: depot.address.street,
    postalCode: depot.address.postalCode,
    city: depot.address.city,
    lat: coordinateText(depot.location.lat),
    lng: coordinateText(depot.location.lng),
    deliveryWeekday: String(depot.deliveryWeekday),
    openingHours: depot.openingHours,
    pickupStart: depot.pickupWindow?.start ?? '',
    pickupEnd: depot.pickupWindow?.end ?? '',
    capacity: String(depot.capacity),
    homeDelivery: depot.homeDelivery === true,
    contact: depot.contact ?? '',
    notes: depot.notes ?? '',
  };
}

/** The point the form's coordinates give, when both are numbers. */
export function formPoint(
  form: Pick<DepotFormModel, 'lat' | 'lng'>,
): { lat: number; lng: number } | undefined {
  const lat = numberOf(form.lat);
  const lng = numberOf(form.lng);
  return typeof lat === 'number' && typeof lng === 'number' ? { lat, lng } : undefined;
}

/** The form as the API's `DepotInput`, values a person may have typed wrong left for the schema to say. */
export function depotInputOf(form: DepotFormModel): Record<string, unknown> {
  const text = (value: string) => value.trim();
  const input: Record<string, unknown> = {
    name: text(form.name),
    address: { street: text(form.street), postalCode: text(form.postalCode), city: text(form.city) },
    deliveryWeekday: numberOf(form.deliveryWeekday),
    openingHours: text(form.openingHours),
  };
  // Left out when empty, so the schema says it is required (not that "" is the wrong type).
  if (text(form.capacity)) input.capacity = numberOf(form.capacity);
  if (text(form.lat) || text(form.lng)) input.location = { lat: numberOf(form.lat), lng: numberOf(form.lng) };
  if (text(form.pickupStart) || text(form.pickupEnd))
    input.pickupWindow = { start: text(form.pickupStart), end: text(form.pickupEnd) };
  if (form.homeDelivery) input.homeDelivery = true;
  if (text(form.contact)) input.contact = text(form.contact);
  if (text(form.notes)) input.notes = text(form.notes);
  return input;
}

/** The form's own names for the domain's properties, to put each sentence beside its field. */
const fieldOfProperty: Record<string, keyof DepotFormModel> = {
  start: 'pickupStart',
  end: 'pickupEnd',
  location: 'lat',
};

export interface DepotFormWords {
  /** The form's label of each field, by property name. */
  labels: Readonly<Record<string, string>>;
  /** "Place the depot on the map (or type its coordinates)." */
  placeOnMap: string;
  /** "The pick-up window ends before it starts." */
  windowOrder: string;
  /** "Give both times of the pick-up window, or neither." */
  windowBoth: string;
}

/**
 * Checks the form with the API's schema, in the API's words (with the form's labels), and
 * what the schema cannot say: a depot placed on the map, a pick-up window that ends after it
 * starts. Returns the input ready to send, or the issues by form field.
 */
export function checkDepotForm(
  form: DepotFormModel,
  locale: Locale,
  words: DepotFormWords,
): { ok: true; input: DepotInput } | { ok: false; issues: InputIssue[] } {
  const candidate = depotInputOf(form);
  const start = form.pickupStart.trim();
  const end = form.pickupEnd.trim();
  const halfWindow = (start === '') !== (end === '');
  // Half a window: one sentence says so, rather than the schema's about the missing time.
  if (halfWindow) delete candidate.pickupWindow;
  const issues: InputIssue[] = [];
  if (!Value.Check(DepotInput, candidate)) {
    for (const issue of relabel(schemaIssues(DepotInput, candidate, locale), words.labels)) {
      const field = fieldOfProperty[issue.field] ?? issue.field;
      if (issue.field === 'location') issues.push({ field, message: words.placeOnMap });
      else issues.push({ ...issue, field });
    }
  }
  if (halfWindow) issues.push({ field: start ? 'pickupEnd' : 'pickupStart', message: words.windowBoth });
  else if (start && end && end <= start && !issues.some((issue) => issue.field === 'pickupEnd'))
    issues.push({ field: 'pickupEnd', message: words.windowOrder });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, input: candidate as DepotInput };
}
