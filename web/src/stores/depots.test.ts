import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedIn, stubApi } from '../testing/api-stub.ts';
import { aDepot } from '../testing/fixtures.ts';
import { useDepotStore } from './depots.ts';

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
});
