import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import {
  CalendarToken,
  DepotId,
  GardenId,
  isEntityId,
  isGardenId,
  isReservedId,
  MemberId,
  newId,
  PageCursor,
  ProductId,
  reservedIds,
  SubscriptionId,
  TierId,
} from './ids.ts';
import { subscriptionId } from './subscription.ts';

/** Ids a caller could try to slip through: prototype names, paths, markup, look-alikes. */
const hostile = [
  '',
  ' ',
  'd centre',
  'd-centre ',
  '../d-centre',
  'd-centre/../x',
  'd/centre',
  'd\\centre',
  '<img src=x onerror=alert(1)>',
  '"><script>',
  'd-centre\n',
  'd-centre\u0000',
  'd\u2011centre', // a non-breaking hyphen that looks like "-"
  'dépôt',
  'Ⅾ-centre',
  'd-centre%2F',
  '-d-centre',
  '.d-centre',
  'x'.repeat(81),
];

describe('ids', () => {
  it('accept every id the application makes', () => {
    for (let i = 0; i < 200; i++) {
      for (const prefix of ['m', 'd', 'p']) {
        const id = newId(prefix, randomUUID);
        expect(isEntityId(id), id).toBe(true);
        expect(Value.Check(MemberId, id), id).toBe(true);
      }
    }
    for (const id of ['d-chalezeule', 'd-besancon-beaux-arts', 'd-centre', 'd-jeudi']) {
      expect(Value.Check(DepotId, id), id).toBe(true);
    }
    for (const id of ['m-demo-0001', 'm-vesoul-0008', 'm-3f9c2a7e1b4d', `m-${randomUUID().slice(0, 8)}`]) {
      expect(Value.Check(MemberId, id), id).toBe(true);
      expect(Value.Check(SubscriptionId, subscriptionId(id, '2026-03-03')), id).toBe(true);
    }
    for (const id of ['p-carottes', 'p-pommes-de-terre', `p-${newId('m', randomUUID).slice(2)}`]) {
      expect(Value.Check(ProductId, id), id).toBe(true);
    }
    for (const id of ['val-du-doubs', 'pays-de-vesoul', 't-payment-methods-other-1a2b3c4d', 'abc']) {
      expect(isGardenId(id), id).toBe(true);
      expect(Value.Check(GardenId, id), id).toBe(true);
    }
    expect(Value.Check(TierId, 'solidaire')).toBe(true);
    expect(Value.Check(CalendarToken, 'a'.repeat(43))).toBe(true);
    expect(Value.Check(PageCursor, Buffer.from('{"pk":"x"}').toString('base64url'))).toBe(true);
  });

  it('refuse the names every JavaScript object has, for every kind of id', () => {
    for (const name of ['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(isReservedId(name)).toBe(true);
    }
    for (const name of reservedIds) {
      expect(isEntityId(name), name).toBe(false);
      for (const schema of [MemberId, DepotId, ProductId, GardenId, TierId]) {
        expect(Value.Check(schema, name), name).toBe(false);
      }
      expect(Value.Check(SubscriptionId, `${name}.2026-03-03`), name).toBe(false);
    }
    // Only the exact names: an id that merely contains one is an id like any other.
    expect(Value.Check(DepotId, 'd-constructor')).toBe(true);
    expect(Value.Check(DepotId, 'constructors')).toBe(true);
  });

  it('refuse paths, spaces, markup, control characters and look-alikes', () => {
    for (const id of hostile) {
      for (const schema of [MemberId, DepotId, ProductId, GardenId, SubscriptionId]) {
        expect(Value.Check(schema, id), JSON.stringify(id)).toBe(false);
      }
    }
  });

  it('know a garden id from other slugs', () => {
    for (const id of ['ab', 'a--b', 'a-', '-a', 'A-b', 'a_b', 'a'.repeat(41)]) {
      expect(isGardenId(id), id).toBe(false);
      expect(Value.Check(GardenId, id), id).toBe(false);
    }
  });

  it('know a subscription id: a member id and a real start day', () => {
    for (const id of ['m-demo-0001', 'm-demo-0001.', 'm-demo-0001.2026-13-01', 'm-demo-0001.1999-03-03']) {
      expect(Value.Check(SubscriptionId, id), id).toBe(false);
    }
  });
});
