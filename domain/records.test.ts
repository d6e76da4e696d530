import { describe, expect, it } from 'vitest';
import { countBaskets, depotsOverCapacity } from './delivery-week.ts';
import { ownValue, recordOf } from './records.ts';

describe('records keyed by ids', () => {
  const weekdays: Record<string, number> = JSON.parse('{"d-ornans": 4}');

  it('finds nothing under the names every object inherits', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(ownValue(weekdays, key), key).toBeUndefined();
    }
    expect(ownValue(weekdays, 'd-ornans')).toBe(4);
  });

  it('builds records whose keys are their own, without touching any prototype', () => {
    const record = recordOf([
      ['__proto__', 1],
      ['constructor', 2],
    ]);
    expect(Object.keys(record)).toEqual(['__proto__', 'constructor']);
    expect(ownValue(record, '__proto__')).toBe(1);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });
});

describe('basket counts keyed by depot', () => {
  it('count a depot named "__proto__" or "constructor" as any other, leaving objects alone', () => {
    const basket = (depotId: string) => ({
      week: '2026-W50',
      subscriptionId: `s-${depotId}`,
      memberId: 'm',
      date: '2026-12-08',
      depotId,
      basketSize: 'small' as const,
      baskets: 1,
      state: 'planned' as const,
    });
    const { byDepot, total } = countBaskets([basket('__proto__'), basket('constructor'), basket('d-1')]);
    expect(total.small).toBe(3);
    expect(ownValue(byDepot, '__proto__')?.small).toBe(1);
    expect(ownValue(byDepot, 'constructor')?.small).toBe(1);
    expect(Object.getPrototypeOf(byDepot)).toBe(Object.prototype);
    const capacities: Record<string, number> = JSON.parse('{"d-1": 10}');
    expect(depotsOverCapacity(byDepot, capacities)).toEqual([
      { depotId: '__proto__', baskets: 1, capacity: 0 },
      { depotId: 'constructor', baskets: 1, capacity: 0 },
    ]);
  });
});
