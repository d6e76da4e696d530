import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-client/request.ts';
import { useNamedRecords } from './named-records.ts';

describe('useNamedRecords', () => {
  it('reads once for concurrent callers, sorts by name the French way and finds by id', async () => {
    let reads = 0;
    const list = useNamedRecords(async () => {
      reads += 1;
      return [
        { id: 'b', name: 'Zone nord' },
        { id: 'a', name: 'École' },
      ];
    });
    await Promise.all([list.load(), list.load()]);
    await list.load();
    expect(reads).toBe(1);
    expect(list.sorted.value.map((record) => record.name)).toEqual(['École', 'Zone nord']);
    expect(list.byId.value.get('b')?.name).toBe('Zone nord');
    await list.load({ force: true });
    expect(reads).toBe(2);
  });

  it('keeps an API failure in `error` and reads again when asked', async () => {
    let fail = true;
    const list = useNamedRecords(async () => {
      if (fail) throw new ApiError(503, 'unavailable', 'Indisponible.');
      return [{ id: 'a', name: 'Carotte' }];
    });
    await list.load();
    expect(list.loaded.value).toBe(false);
    expect(list.error.value).toBe('Indisponible.');
    fail = false;
    await list.load();
    expect(list.loaded.value).toBe(true);
    expect(list.error.value).toBeUndefined();
  });

  it('puts the record a write answered in the place of the one it replaces', async () => {
    const list = useNamedRecords(async () => [
      { id: 'a', name: 'Carotte', version: 1 },
      { id: 'b', name: 'Poireau', version: 1 },
    ]);
    await list.load();
    list.remember({ id: 'a', name: 'Carotte nantaise', version: 2 });
    list.remember({ id: 'c', name: 'Chou', version: 1 });
    expect(list.sorted.value.map((record) => `${record.name} v${record.version}`)).toEqual([
      'Carotte nantaise v2',
      'Chou v1',
      'Poireau v1',
    ]);
  });
});
