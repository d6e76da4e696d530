import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WeekView } from './weeks-api.ts';
import { deferred, signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { compositionLocked, useWeekStore, weekState } from './weeks-store.ts';

const aWeek = (overrides: Partial<WeekView> = {}): WeekView => ({
  week: '2026-W49',
  overCapacity: [],
  absences: 0,
  documents: [],
  ...overrides,
});

const planning = (planned: number, total: number): WeekView['progress'] => ({
  phase: 'planning',
  planned,
  total,
});

const composition = (version: number) => ({
  gardenId: 'val-du-doubs',
  week: '2026-W49',
  baskets: { small: [{ productId: 'p-carotte', quantity: 0.5 }], medium: [], large: [] },
  updatedAt: '2026-11-24T10:00:00.000Z',
  version,
});

describe('week store', () => {
  beforeEach(() => signedIn());
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('says where a week stands, and when its composition is locked', () => {
    expect(weekState(undefined)).toBeUndefined();
    expect(weekState(aWeek())).toBe('not-started');
    expect(weekState(aWeek({ progress: planning(3, 9) }))).toBe('planning');
    // The workflow is gone but the summary stayed: the week is over.
    expect(weekState(aWeek({ counts: { total: { small: 1, medium: 0, large: 0 }, byDepot: {} } }))).toBe(
      'done',
    );
    expect(
      compositionLocked(aWeek({ progress: { phase: 'awaiting-composition', planned: 9, total: 9 } })),
    ).toBe(false);
    expect(
      compositionLocked(
        aWeek({
          progress: {
            phase: 'awaiting-composition',
            planned: 9,
            total: 9,
            approval: { by: { userId: 'u', name: 'Claire' }, at: '2026-11-24T10:00:00Z' },
          },
        }),
      ),
    ).toBe(true);
    expect(compositionLocked(aWeek({ progress: { phase: 'ready', planned: 9, total: 9 } }))).toBe(true);
  });

  it('starts the preparation, and is followed until the workflow shows its progress', async () => {
    let started = false;
    let reads = 0;
    const api = stubApi((call) => {
      if (call.method === 'POST') {
        started = true;
        return { status: 202, body: { started: true } };
      }
      reads += 1;
      // Visibility lags: the first read after starting may not see the workflow yet.
      if (!started || reads < 3) return { body: aWeek() };
      return { body: aWeek({ progress: planning(2, 9) }) };
    });
    const weeks = useWeekStore();
    await weeks.load('2026-W49');
    expect(weeks.shouldFollow('2026-W49')).toBe(false);
    await weeks.prepare('2026-W49');
    expect(api.calls[1]).toMatchObject({
      method: 'POST',
      path: '/api/gardens/val-du-doubs/weeks/2026-W49/preparation',
    });
    expect(weeks.shouldFollow('2026-W49')).toBe(true);
    await weeks.load('2026-W49');
    expect(weeks.byWeek['2026-W49']?.progress).toMatchObject({ phase: 'planning', planned: 2, total: 9 });
    expect(weeks.starting['2026-W49']).toBeUndefined();
    // Still planning: followed.
    expect(weeks.shouldFollow('2026-W49')).toBe(true);
  });

  it('stops following once the baskets are planned', async () => {
    stubApi(() => ({ body: aWeek({ progress: { phase: 'awaiting-composition', planned: 9, total: 9 } }) }));
    const weeks = useWeekStore();
    await weeks.load('2026-W49');
    expect(weeks.shouldFollow('2026-W49')).toBe(false);
  });

  it('saves the composition with the version read, and a read from before the save does not undo it', async () => {
    const slowRead = deferred<StubAnswer>();
    let reads = 0;
    const api = stubApi((call) => {
      if (call.method === 'PUT') return { body: composition(3) };
      return reads++ === 0 ? { body: aWeek({ composition: composition(2) }) } : slowRead.promise;
    });
    const weeks = useWeekStore();
    await weeks.load('2026-W49');
    const polling = weeks.load('2026-W49');
    const baskets = composition(3).baskets;
    await weeks.saveComposition('2026-W49', baskets);
    expect(api.calls.find((call) => call.method === 'PUT')).toMatchObject({
      path: '/api/gardens/val-du-doubs/weeks/2026-W49/composition',
      body: { ...baskets, version: 2 },
    });
    slowRead.resolve({ body: aWeek({ composition: composition(2) }) });
    await polling;
    expect(weeks.byWeek['2026-W49']?.composition?.version).toBe(3);
  });

  it('saves a first composition with version 0, and gives the conflict to the editor', async () => {
    const api = stubApi((call) =>
      call.method === 'PUT'
        ? { status: 409, body: { error: 'conflict', message: 'Modifié entre-temps.' } }
        : { body: aWeek() },
    );
    const weeks = useWeekStore();
    await weeks.load('2026-W49');
    await expect(weeks.saveComposition('2026-W49', composition(1).baskets)).rejects.toMatchObject({
      status: 409,
    });
    expect((api.calls[1]?.body as { version: number }).version).toBe(0);
    expect(weeks.byWeek['2026-W49']?.composition).toBeUndefined();
  });

  it('copies last week, and says when there is nothing to copy', async () => {
    let fail = true;
    stubApi((call) => {
      if (call.method === 'GET') return { body: aWeek() };
      return fail
        ? {
            status: 404,
            body: {
              error: 'not_found',
              message: 'La semaine précédente n’a pas de composition à reprendre.',
            },
          }
        : { body: composition(1) };
    });
    const weeks = useWeekStore();
    await weeks.load('2026-W49');
    await expect(weeks.copyPrevious('2026-W49')).rejects.toMatchObject({ status: 404 });
    fail = false;
    await weeks.copyPrevious('2026-W49');
    expect(weeks.byWeek['2026-W49']?.composition?.version).toBe(1);
  });

  it('approves, then reads the week again with its documents; a refusal says why', async () => {
    let refuse = true;
    const api = stubApi((call) => {
      if (call.method === 'POST') {
        return refuse
          ? {
              status: 422,
              body: {
                error: 'refused',
                message: 'Le panier petit de la semaine est vide : composez-le avant de valider.',
              },
            }
          : { body: { phase: 'ready', documents: [{ name: 'recolte.pdf', title: 'Liste de récolte' }] } };
      }
      return refuse
        ? { body: aWeek({ progress: { phase: 'awaiting-composition', planned: 9, total: 9 } }) }
        : {
            body: aWeek({
              progress: { phase: 'ready', planned: 9, total: 9 },
              documents: [
                { name: 'recolte.pdf', title: 'Liste de récolte' },
                { name: 'emargement-d-centre.pdf', title: 'Émargement', depotId: 'd-centre' },
              ],
            }),
          };
    });
    const weeks = useWeekStore();
    await weeks.load('2026-W49');
    await expect(weeks.approve('2026-W49')).rejects.toMatchObject({
      status: 422,
      message: 'Le panier petit de la semaine est vide : composez-le avant de valider.',
    });
    refuse = false;
    await weeks.approve('2026-W49');
    expect(api.calls.filter((call) => call.method === 'POST').map((call) => call.path)).toEqual([
      '/api/gardens/val-du-doubs/weeks/2026-W49/approval',
      '/api/gardens/val-du-doubs/weeks/2026-W49/approval',
    ]);
    expect(weeks.byWeek['2026-W49']?.documents.map((document) => document.name)).toEqual([
      'recolte.pdf',
      'emargement-d-centre.pdf',
    ]);
  });

  it('reads the last weeks for the dashboard, and the baskets for the depot sheets', async () => {
    const api = stubApi((call) =>
      call.path.endsWith('/baskets')
        ? {
            body: [
              {
                date: '2026-12-01',
                depotId: 'd-centre',
                memberId: 'm-1',
                memberName: 'A',
                basketSize: 'small',
                baskets: 1,
                state: 'planned',
              },
            ],
          }
        : {
            body: [{ week: '2026-W48', total: { small: 1, medium: 2, large: 3 }, byDepot: {}, absences: 0 }],
          },
    );
    const weeks = useWeekStore();
    await weeks.loadHistory(12);
    await weeks.loadBaskets('2026-W49');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/weeks');
    expect(api.calls[0]?.query.get('limit')).toBe('12');
    expect(weeks.history?.[0]?.total.large).toBe(3);
    expect(weeks.baskets['2026-W49']).toHaveLength(1);
  });

  it('fetches a document with the request chain and keeps its address', async () => {
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:http://localhost/pdf-1');
    const calls: { path: string; accept: string | null }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string, init?: RequestInit) => {
        calls.push({ path: input, accept: new Headers(init?.headers).get('Accept') });
        return new Response(new Blob(['%PDF-1.7']), {
          status: 200,
          headers: { 'Content-Type': 'application/pdf' },
        });
      }),
    );
    const weeks = useWeekStore();
    expect(await weeks.documentUrl('2026-W49', 'recolte.pdf')).toBe('blob:http://localhost/pdf-1');
    expect(await weeks.documentUrl('2026-W49', 'recolte.pdf')).toBe('blob:http://localhost/pdf-1');
    expect(calls).toEqual([
      {
        path: '/api/gardens/val-du-doubs/weeks/2026-W49/documents/recolte.pdf',
        accept: 'application/pdf, application/json',
      },
    ]);
    expect(createObjectURL).toHaveBeenCalledTimes(1);
  });
});
