import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { aDepot } from '../../testing/fixtures.ts';
import { useDepotStore } from './depots-store.ts';

describe('depot store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the depots once, even when asked twice at the same time', async () => {
    const api = stubApi(() => ({ body: [aDepot({ id: 'd-2', name: 'Zone nord' }), aDepot()] }));
    const depots = useDepotStore();
    await Promise.all([depots.load(), depots.load()]);
    await depots.load();
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/depots');
    expect(depots.sorted.map((depot) => depot.name)).toEqual(['Biocoop Centre', 'Zone nord']);
    expect(depots.byId.get('d-2')?.name).toBe('Zone nord');
  });

  it('keeps the failure to say it, and tries again when asked', async () => {
    let fail = true;
    stubApi(() =>
      fail ? { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } } : { body: [aDepot()] },
    );
    const depots = useDepotStore();
    await depots.load();
    expect(depots.loaded).toBe(false);
    expect(depots.error).toBe('Indisponible.');
    fail = false;
    await depots.load();
    expect(depots.loaded).toBe(true);
    expect(depots.error).toBeUndefined();
  });

  it('adds a depot and changes one from the version read; a conflict leaves it as it was', async () => {
    const input = {
      name: 'Tournée des villages',
      address: { street: '1 rue Haute', postalCode: '25410', city: 'Saint-Vit' },
      location: { lat: 47.18, lng: 5.81 },
      deliveryWeekday: 4,
      openingHours: '9 h – 12 h',
      capacity: 30,
      homeDelivery: true,
    };
    let version = 1;
    const api = stubApi((call) => {
      if (call.method === 'POST')
        return { status: 201, body: aDepot({ ...input, id: 'd-tournee', version: 1 }) };
      if (call.method === 'PUT') {
        if ((call.body as { version: number }).version !== version)
          return { status: 409, body: { error: 'conflict', message: 'Modifié entre-temps.' } };
        version += 1;
        return { body: aDepot({ ...input, id: 'd-tournee', capacity: 35, version }) };
      }
      return { body: [aDepot()] };
    });
    const depots = useDepotStore();
    await depots.load();
    await depots.create(input);
    expect(api.calls[1]).toMatchObject({
      method: 'POST',
      path: '/api/gardens/val-du-doubs/depots',
      body: input,
    });
    await depots.update('d-tournee', { ...input, capacity: 35 }, 1);
    expect(api.calls[2]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/depots/d-tournee',
      body: { ...input, capacity: 35, version: 1 },
    });
    expect(depots.byId.get('d-tournee')).toMatchObject({ capacity: 35, version: 2, homeDelivery: true });
    await expect(depots.update('d-tournee', { ...input, capacity: 50 }, 1)).rejects.toMatchObject({
      status: 409,
    });
    expect(depots.byId.get('d-tournee')?.capacity).toBe(35);
    expect(depots.sorted.map((depot) => depot.id)).toEqual(['d-centre', 'd-tournee']);
  });
});
