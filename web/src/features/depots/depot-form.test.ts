import { describe, expect, it } from 'vitest';
import { aDepot } from '../../testing/fixtures.ts';
import { checkDepotForm, depotFormOf, depotInputOf, emptyDepotForm, formPoint } from './depot-form.ts';

const words = {
  labels: { capacity: 'Capacité', lat: 'Latitude', openingHours: 'Horaires', start: 'Début du retrait' },
  placeOnMap: 'Placez le point de dépôt sur la carte.',
  windowOrder: 'La fin du créneau doit venir après son début.',
  windowBoth: 'Indiquez le début et la fin du créneau, ou aucun des deux.',
};

const filled = () => ({
  ...emptyDepotForm(),
  name: ' Tournée des villages ',
  street: '1 rue Haute',
  postalCode: '25410',
  city: 'Saint-Vit',
  lat: '47,18',
  lng: '5.81',
  deliveryWeekday: '4',
  openingHours: '9 h – 12 h',
  capacity: '30',
  homeDelivery: true,
});

describe('depot form', () => {
  it('gives the API input: numbers as numbers (a French comma too), optional fields left out', () => {
    const check = checkDepotForm(filled(), 'fr', words);
    expect(check).toEqual({
      ok: true,
      input: {
        name: 'Tournée des villages',
        address: { street: '1 rue Haute', postalCode: '25410', city: 'Saint-Vit' },
        location: { lat: 47.18, lng: 5.81 },
        deliveryWeekday: 4,
        openingHours: '9 h – 12 h',
        capacity: 30,
        homeDelivery: true,
      },
    });
  });

  it('refuses in the API’s words, with the form’s labels, beside each field', () => {
    const check = checkDepotForm(
      { ...filled(), capacity: 'trente', lat: '', lng: '', openingHours: '' },
      'fr',
      words,
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.issues).toEqual(
      expect.arrayContaining([
        { field: 'capacity', message: "« Capacité » n'est pas du bon type." },
        { field: 'openingHours', message: '« Horaires » est obligatoire.' },
        { field: 'lat', message: 'Placez le point de dépôt sur la carte.' },
      ]),
    );
  });

  it('wants a whole pick-up window that ends after it starts', () => {
    const half = checkDepotForm({ ...filled(), pickupStart: '17:00' }, 'fr', words);
    expect(half.ok ? [] : half.issues).toEqual([{ field: 'pickupEnd', message: words.windowBoth }]);
    const backwards = checkDepotForm({ ...filled(), pickupStart: '19:00', pickupEnd: '17:00' }, 'fr', words);
    expect(backwards.ok ? [] : backwards.issues).toEqual([
      { field: 'pickupEnd', message: words.windowOrder },
    ]);
    const right = checkDepotForm({ ...filled(), pickupStart: '17:00', pickupEnd: '19:00' }, 'fr', words);
    expect(right.ok && right.input.pickupWindow).toEqual({ start: '17:00', end: '19:00' });
  });

  it('fills the form from a depot, and reads the point back', () => {
    const form = depotFormOf(aDepot({ pickupWindow: { start: '17:00', end: '19:00' }, contact: 'Marc' }));
    expect(form).toMatchObject({
      lat: '47.24',
      lng: '6.02',
      deliveryWeekday: '2',
      pickupStart: '17:00',
      contact: 'Marc',
    });
    expect(formPoint(form)).toEqual({ lat: 47.24, lng: 6.02 });
    expect(formPoint({ lat: '', lng: '6' })).toBeUndefined();
    expect(depotInputOf(form)).not.toHaveProperty('homeDelivery');
  });
});
