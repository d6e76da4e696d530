import { describe, expect, it } from 'vitest';
import { subscriptionJournal } from './journal-fixtures.ts';
import {
  actorsOf,
  changeValue,
  journalFileName,
  journalQuery,
  noJournalFilters,
  periodProblem,
  temporalUrlOf,
} from './journal-view.ts';

const words = { yes: 'oui', no: 'non', none: '—' };

describe('journal view', () => {
  it('sends only the filters chosen', () => {
    expect(journalQuery(noJournalFilters())).toEqual({});
    expect(journalQuery({ from: '2026-12-01', to: '', category: 'payment', actorId: 'u-claire' })).toEqual({
      from: '2026-12-01',
      category: 'payment',
      actorId: 'u-claire',
    });
  });

  it('says a period that ends before it starts', () => {
    expect(periodProblem({ from: '2026-12-05', to: '2026-12-01' })).toBe('journal.periodReversed');
    expect(periodProblem({ from: '2026-12-01', to: '2026-12-01' })).toBeUndefined();
    expect(periodProblem({ from: '', to: '2026-12-01' })).toBeUndefined();
  });

  it('keeps every person seen, sorted by name, once', () => {
    const first = actorsOf([], subscriptionJournal.entries);
    expect(first.map((actor) => actor.name)).toEqual(['Claire M.', 'Paul R.']);
    // A filtered answer holds one of them: the other stays to choose back.
    const again = actorsOf(first, subscriptionJournal.entries.slice(0, 1));
    expect(again.map((actor) => actor.id)).toEqual(['u-claire', 'm-1']);
  });

  it('writes a change’s values as people read them', () => {
    expect(changeValue('active', words)).toBe('active');
    expect(changeValue(true, words)).toBe('oui');
    expect(changeValue(false, words)).toBe('non');
    expect(changeValue(0, words)).toBe('0');
    expect(changeValue(undefined, words)).toBe('—');
    expect(changeValue(null, words)).toBe('—');
    expect(changeValue({ street: '1 rue' }, words)).toBe('{"street":"1 rue"}');
  });

  it('finds the Temporal UI’s page of a workflow entry, none for a staff action', () => {
    const [approved] = subscriptionJournal.entries;
    expect(temporalUrlOf(approved!, subscriptionJournal.processes)).toBe(
      'http://localhost:8233/namespaces/default/workflows/subscription-s-1',
    );
    expect(
      temporalUrlOf({ ...approved!, source: { type: 'action', seq: 3 } }, subscriptionJournal.processes),
    ).toBe(undefined);
    // A run's own page, when the answer names it; else the process's latest run; else none.
    const [process] = subscriptionJournal.processes;
    const withRuns = [
      {
        ...process!,
        runs: [{ runId: 'run-2', archived: false, temporalUiUrl: 'http://localhost:8233/run-2' }],
      },
    ];
    expect(temporalUrlOf(approved!, withRuns)).toBe('http://localhost:8233/run-2');
    const [, requested] = subscriptionJournal.entries;
    expect(temporalUrlOf(requested!, withRuns)).toBe(process!.temporalUiUrl);
    expect(temporalUrlOf(approved!, [{ workflowId: 'subscription-s-1', runIds: ['run-2'] }])).toBeUndefined();
  });

  it('names a file without the characters a file name cannot hold', () => {
    expect(journalFileName('week-2026/W50', 'pdf')).toBe('journal-week-2026-W50.pdf');
  });
});
