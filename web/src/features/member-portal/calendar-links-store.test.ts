import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { useCalendarLinkStore, webcalOf } from './calendar-links-store.ts';

describe('calendar link store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the address once, and renews it on demand', async () => {
    let token = 'abc';
    const api = stubApi((call) => {
      if (call.method === 'POST') token = 'def';
      return { body: { url: `https://cocagne.example.org/api/calendar/${token}.ics` } };
    });
    const links = useCalendarLinkStore();
    await links.load('m-0001');
    await links.load('m-0001');
    expect(links.byMember['m-0001']).toBe('https://cocagne.example.org/api/calendar/abc.ics');
    await links.renew('m-0001');
    expect(links.byMember['m-0001']).toBe('https://cocagne.example.org/api/calendar/def.ics');
    expect(api.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/gardens/val-du-doubs/members/m-0001/calendar-link',
      'POST /api/gardens/val-du-doubs/members/m-0001/calendar-link',
    ]);
  });

  it('gives calendar apps the webcal address', () => {
    expect(webcalOf('https://cocagne.example.org/api/calendar/abc.ics')).toBe(
      'webcal://cocagne.example.org/api/calendar/abc.ics',
    );
    expect(webcalOf('http://localhost:8080/api/calendar/abc.ics')).toBe(
      'webcal://localhost:8080/api/calendar/abc.ics',
    );
  });
});
