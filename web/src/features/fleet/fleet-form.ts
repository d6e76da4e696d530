import { Value } from 'typebox/value';
import type { MapPosition } from '../../../../domain/depot.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { formatPhone } from '../../../../domain/phone.ts';
import {
  FleetInput,
  normalizeFleetInput,
  vehicleField,
  VehicleInput,
  type Fleet,
  type OptimiserChoice,
} from '../../../../domain/rounds/fleet.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';
import { numberOf, relabel } from '../../forms/issues.ts';
import { coordinateText } from '../depots/depot-form.ts';

/** One vehicle as the form holds it: text as typed (coordinates too, so they can be typed). */
export interface VehicleFormModel {
  id: string;
  name: string;
  driverName: string;
  driverPhone: string;
  driverUsername: string;
  capacity: string;
  workStart: string;
  workEnd: string;
  startLat: string;
  startLng: string;
  /** The round ends where it started (back to the garden). */
  endAtStart: boolean;
  endLat: string;
  endLng: string;
}

export interface FleetFormModel {
  vehicles: VehicleFormModel[];
  serviceDepot: string;
  serviceHome: string;
  optimiser: OptimiserChoice;
  reoptimiseAfterApproval: boolean;
  tellMembersTheirWindow: boolean;
}

/** The text fields of a vehicle, in the order the form shows them. */
export const vehicleTextKeys = [
  'name',
  'driverName',
  'driverPhone',
  'driverUsername',
  'capacity',
  'workStart',
  'workEnd',
] as const satisfies readonly (keyof VehicleFormModel & keyof VehicleInput)[];

/** Every field the form shows, by the name its issues come under (the API's too). */
export function fleetFormFields(form: FleetFormModel | undefined): string[] {
  const fields = ['serviceDepot', 'serviceHome', 'optimiser'];
  (form?.vehicles ?? []).forEach((_, index) => {
    for (const key of [...vehicleTextKeys, 'start', 'end'] as const) fields.push(vehicleField(index, key));
  });
  return fields;
}

/** A new vehicle's id: the API keeps it, so the rounds can name the vehicle for good. */
function newVehicleId(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `v-${Array.from(random, (byte) => letters[byte % letters.length]).join('')}`;
}

/** A vehicle to fill in, starting (and ending) where `start` is: the garden, usually. */
export function emptyVehicle(start: MapPosition | undefined): VehicleFormModel {
  return {
    id: newVehicleId(),
    name: '',
    driverName: '',
    driverPhone: '',
    driverUsername: '',
    capacity: '',
    workStart: '08:00',
    workEnd: '17:00',
    startLat: start ? coordinateText(start.lat) : '',
    startLng: start ? coordinateText(start.lng) : '',
    endAtStart: true,
    endLat: '',
    endLng: '',
  };
}

export function fleetFormOf(fleet: Fleet): FleetFormModel {
  return {
    vehicles: fleet.vehicles.map((vehicle) => ({
      id: vehicle.id,
      name: vehicle.name,
      driverName: vehicle.driverName,
      driverPhone: vehicle.driverPhone ? formatPhone(vehicle.driverPhone) : '',
      driverUsername: vehicle.driverUsername ?? '',
      capacity: String(vehicle.capacity),
      workStart: vehicle.workStart,
      workEnd: vehicle.workEnd,
      startLat: coordinateText(vehicle.start.lat),
      startLng: coordinateText(vehicle.start.lng),
      endAtStart: vehicle.end === undefined,
      endLat: vehicle.end ? coordinateText(vehicle.end.lat) : '',
      endLng: vehicle.end ? coordinateText(vehicle.end.lng) : '',
    })),
    serviceDepot: String(fleet.serviceMinutes.depot),
    serviceHome: String(fleet.serviceMinutes.home),
    optimiser: fleet.optimiser,
    reoptimiseAfterApproval: fleet.reoptimiseAfterApproval,
    tellMembersTheirWindow: fleet.tellMembersTheirWindow,
  };
}

/** A point typed as two numbers on the globe, or undefined. */
export function typedPoint(lat: string, lng: string): MapPosition | undefined {
  const latitude = numberOf(lat);
  const longitude = numberOf(lng);
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { lat: latitude, lng: longitude };
}

export interface FleetFormWords {
  /** The form's label of each field, by property name (« Nom du véhicule » for `name`…). */
  labels: Readonly<Record<string, string>>;
  /** "Vehicle 2: place its start on the map (or type its coordinates)." */
  placeStart: (vehicle: string) => string;
  placeEnd: (vehicle: string) => string;
  /** How a vehicle is named in a sentence: its name, or « n° 2 ». */
  vehicleName: (index: number, name: string) => string;
}

/** What the schema says of a vehicle's property, put beside the vehicle's own field. */
const coordinateProperties = new Set(['start', 'end', 'lat', 'lng']);

/**
 * Checks the form with the API's schema and rules, in the API's words (with the form's labels):
 * the input ready to send, or the issues by form field (`vehicle-<index>-<key>`).
 */
export function checkFleetForm(
  form: FleetFormModel,
  locale: Locale,
  words: FleetFormWords,
  circuitKeyStored: boolean,
): { ok: true; input: FleetInput } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const text = (value: string) => value.trim();
  const vehicles = form.vehicles.map((vehicle, index) => {
    const name = words.vehicleName(index, text(vehicle.name));
    const candidate: Record<string, unknown> = {
      id: vehicle.id,
      name: text(vehicle.name),
      driverName: text(vehicle.driverName),
      workStart: text(vehicle.workStart),
      workEnd: text(vehicle.workEnd),
    };
    if (text(vehicle.driverPhone)) candidate.driverPhone = text(vehicle.driverPhone);
    if (text(vehicle.driverUsername)) candidate.driverUsername = text(vehicle.driverUsername);
    if (text(vehicle.capacity)) candidate.capacity = numberOf(vehicle.capacity);
    const start = typedPoint(vehicle.startLat, vehicle.startLng);
    if (start) candidate.start = start;
    else issues.push({ field: vehicleField(index, 'start'), message: words.placeStart(name) });
    if (!vehicle.endAtStart) {
      const end = typedPoint(vehicle.endLat, vehicle.endLng);
      if (end) candidate.end = end;
      else issues.push({ field: vehicleField(index, 'end'), message: words.placeEnd(name) });
    }
    if (!Value.Check(VehicleInput, candidate)) {
      for (const issue of relabel(schemaIssues(VehicleInput, candidate, locale), words.labels)) {
        if (coordinateProperties.has(issue.field)) continue;
        issues.push({ ...issue, field: vehicleField(index, issue.field as keyof VehicleInput) });
      }
    }
    return candidate;
  });
  const candidate = {
    vehicles,
    serviceMinutes: { depot: numberOf(form.serviceDepot), home: numberOf(form.serviceHome) },
    optimiser: form.optimiser,
    reoptimiseAfterApproval: form.reoptimiseAfterApproval,
    tellMembersTheirWindow: form.tellMembersTheirWindow,
  };
  if (issues.length > 0) return { ok: false, issues };
  if (!Value.Check(FleetInput, candidate)) {
    const formField: Record<string, string> = { depot: 'serviceDepot', home: 'serviceHome' };
    for (const issue of relabel(schemaIssues(FleetInput, candidate, locale), words.labels)) {
      issues.push({ ...issue, field: formField[issue.field] ?? issue.field });
    }
    return { ok: false, issues };
  }
  const normalized = normalizeFleetInput(candidate, circuitKeyStored);
  if (!normalized.ok) {
    return {
      ok: false,
      issues: normalized.issues.map((issue) => ({ field: issue.field, message: issue.message[locale] })),
    };
  }
  return { ok: true, input: normalized.value };
}
