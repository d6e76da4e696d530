import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { Depot, DepotInput } from '../domain/depot.ts';
import type { Member } from '../domain/member.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

type Operation = {
  parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: unknown[];
};
type Description = { paths: Record<string, Record<string, Operation>> };

/**
 * What an external fuzzing of /docs/json found (issue 8, section 5), one test per finding:
 * the API answers as its description says. api/openapi-fuzz.test.ts keeps checking the whole
 * description; these pin each finding down with the request that showed it.
 */
describe('the API description is the API', () => {
  let api: TestApi;
  let networkAdmin: TestAccount;
  let description: Description;
  const today = gardenDay(new Date());

  beforeAll(async () => {
    api = await startTestApi('description');
    networkAdmin = await createAccount({ role: 'network-admin' });
    description = (await api.call(undefined, 'GET', '/docs/json')).json<Description>();
  });
  afterAll(async () => {
    if (networkAdmin) await deleteAccounts([networkAdmin]);
    await api?.close();
  });

  const gardenUrl = (suffix: string) => `/api/gardens/${api.gardenId}${suffix}`;
  const depot = (changes: Partial<DepotInput> = {}): DepotInput => ({
    name: 'Marché couvert',
    address: { street: '12 rue Battant', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.2406, lng: 6.0194 },
    deliveryWeekday: 3,
    openingHours: '16 h – 18 h 30',
    capacity: 25,
    ...changes,
  });

  function operations(): Array<[string, string, Operation]> {
    return Object.entries(description.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]): [string, string, Operation] => [
        method,
        path,
        operation,
      ]),
    );
  }

  describe('numbers the store can keep', () => {
    it('keeps a depot placed at 5e-324 (a denormal in range) rather than failing with a 500', async () => {
      const created = await api.call(
        api.accounts.staff,
        'POST',
        gardenUrl('/depots'),
        depot({ location: { lat: 5e-324, lng: -5.678313113185777e-22 } }),
      );
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json<Depot>().location).toEqual({ lat: 0, lng: 0 });
      const moved = await api.call(
        api.accounts.staff,
        'PUT',
        gardenUrl(`/depots/${created.json<Depot>().id}`),
        {
          ...depot({ location: { lat: 47.123456789, lng: 3.0233935470794246e-299 } }),
          version: 1,
        },
      );
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json<Depot>().location).toEqual({ lat: 47.1234568, lng: 0 });
    });

    it("keeps a member's home at -2.5e-186 rather than failing with a 500", async () => {
      const placed = await api.call(
        api.accounts.staff,
        'PUT',
        gardenUrl(`/members/${api.member.id}/location`),
        {
          lat: -45.128684511415216,
          lng: -2.5163992455246283e-186,
        },
      );
      expect(placed.statusCode, placed.body).toBe(200);
      expect(placed.json<Member>().location).toEqual({ lat: -45.1286845, lng: 0 });
    });

    it('refuses a version of 35 digits (400), which the store cannot keep (it answered 500)', async () => {
      const pricing = await api.call(api.accounts.staff, 'GET', gardenUrl('/pricing'));
      // Garden administrators set the pricing (staff are refused before the body is read); the
      // network administration, once it opened the garden.
      const opened = await api.call(networkAdmin, 'POST', `/api/network/gardens/${api.gardenId}/open`, {
        reason: 'Ticket 35 : tarifs',
      });
      expect(opened.statusCode, opened.body).toBe(204);
      const response = await api.call(networkAdmin, 'PUT', gardenUrl('/pricing'), {
        ...pricing.json<Record<string, unknown>>(),
        version: 10428112114633764384322292671315968,
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_input', issues: [{ field: 'version' }] });
    });

    it('gives every number of every request a bound, and no quantity smaller than a gram', () => {
      const unbounded: string[] = [];
      const visit = (schema: unknown, where: string) => {
        if (typeof schema !== 'object' || schema === null) return;
        const node = schema as Record<string, unknown>;
        if (node.type === 'integer' || node.type === 'number') {
          if (typeof node.maximum !== 'number' || typeof node.minimum !== 'number') unbounded.push(where);
        }
        for (const [key, child] of Object.entries(node)) visit(child, `${where}/${key}`);
      };
      for (const [method, path, operation] of operations()) {
        visit(operation.requestBody, `${method} ${path} body`);
        for (const parameter of operation.parameters ?? [])
          visit(parameter.schema, `${method} ${path} ${parameter.name}`);
      }
      expect(unbounded).toEqual([]);
    });
  });

  it('answers 400 to a page cursor that is not one of its own (it answered 500)', async () => {
    const partition = `${api.gardenId}#MEMBER`;
    for (const key of [
      { gsi1pk: partition },
      { gsi1pk: partition, pk: 1, sk: [], gsi1sk: {} },
      'texte',
      null,
    ]) {
      const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
      const response = await api.call(api.accounts.staff, 'GET', gardenUrl(`/members?cursor=${cursor}`));
      expect(response.statusCode, `${JSON.stringify(key)}: ${response.body}`).toBe(400);
      expect(response.json()).toMatchObject({
        message: "Cette page n'existe plus : revenez à la première page.",
      });
    }
  });

  describe('every answer is listed', () => {
    it('lists 400, 401, 403, 404 and 422 for every signed-in operation, files included', () => {
      const missing = operations()
        .filter(([, , operation]) => operation.security)
        .flatMap(([method, path, operation]) =>
          ['400', '401', '403', '404', '422']
            .filter((status) => !(status in operation.responses))
            .map((status) => `${method.toUpperCase()} ${path} ${status}`),
        );
      expect(missing).toEqual([]);
    });

    it('answers the PDF and CSV routes with a documented 401, 403 or 404', async () => {
      const invoice = await api.app.inject({ method: 'GET', url: gardenUrl('/invoices/1/document') });
      expect(invoice.statusCode).toBe(401);
      const other = await api.call(api.accounts.otherStaff, 'GET', gardenUrl('/invoices/1/document'));
      expect(other.statusCode).toBe(403);
      const sheet = await api.call(
        api.accounts.staff,
        'GET',
        gardenUrl('/weeks/2026-W10/documents/recolte.pdf'),
      );
      expect(sheet.statusCode).toBe(404);
      const csv = await api.call(api.accounts.staff, 'GET', gardenUrl('/reports/payments.csv?to=janvier'));
      expect(csv.statusCode).toBe(400);
      const paths = description.paths;
      for (const [path, status] of [
        ['/api/gardens/{gardenId}/invoices/{number}/document', '401'],
        ['/api/gardens/{gardenId}/invoices/{number}/document', '403'],
        ['/api/gardens/{gardenId}/weeks/{week}/documents/{name}', '404'],
        ['/api/gardens/{gardenId}/reports/payments.csv', '400'],
      ] as const) {
        expect(paths[path]?.get?.responses, `${path} ${status}`).toHaveProperty(status);
      }
      expect(paths['/api/gardens/{gardenId}/reports/payments.csv']?.get?.responses['200']).toMatchObject({
        content: { 'text/csv': {} },
      });
    });

    it('answers an over-long id with the 400 of its schema, not an undocumented 414', async () => {
      const long = 'x'.repeat(150);
      for (const url of [
        gardenUrl(`/subscriptions/${long}`),
        `/api/calendar/${long}.ics`,
        gardenUrl(`/members/${long}`),
      ]) {
        const response = await api.call(api.accounts.staff, 'GET', url);
        expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      }
    });

    it('answers 404 to a network administrator in a garden that does not exist (it started a billing run nobody serves, then 500)', async () => {
      const run = await api.call(networkAdmin, 'POST', '/api/gardens/jardin-inexistant/billing/runs/2026-01');
      expect(run.statusCode, run.body).toBe(404);
      const progress = await api.call(
        networkAdmin,
        'GET',
        '/api/gardens/jardin-inexistant/billing/runs/2026-01',
      );
      expect(progress.statusCode, progress.body).toBe(404);
      const own = await api.call(networkAdmin, 'GET', gardenUrl(''));
      expect(own.statusCode, own.body).toBe(200);
    });
  });

  it('is valid OpenAPI 3.0: no JSON Schema keyword 3.0 does not have (the composition used exclusiveMinimum: 0)', () => {
    const found: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      for (const keyword of ['exclusiveMinimum', 'exclusiveMaximum']) {
        if (keyword in schema && typeof schema[keyword] !== 'boolean') found.push(`${where}/${keyword}`);
      }
      for (const keyword of [
        'patternProperties',
        'const',
        '$defs',
        'prefixItems',
        'if',
        'then',
        'dependentRequired',
      ]) {
        if (keyword in schema && where.includes('schema')) found.push(`${where}/${keyword}`);
      }
      if (Array.isArray(schema.type) || schema.type === 'null') found.push(`${where}/type`);
      for (const [key, child] of Object.entries(schema)) visit(child, `${where}/${key}`);
    };
    visit(description.paths, '');
    expect(found).toEqual([]);
  });

  describe('what the description accepts, the API accepts or refuses by its rules (422), never as malformed', () => {
    it('says what a phone number looks like, and refuses "+6).202" by that pattern', async () => {
      const body = description.paths['/api/gardens/{gardenId}/members']?.post?.requestBody as {
        content: { 'application/json': { schema: { properties: { phone: { pattern: string } } } } };
      };
      const phone = new RegExp(body.content['application/json'].schema.properties.phone.pattern);
      expect(phone.test('06 12 34 56 78')).toBe(true);
      expect(phone.test('+6).202')).toBe(false);
      const response = await api.call(api.accounts.staff, 'POST', gardenUrl('/members'), {
        firstName: 'Ë',
        lastName: 'Éèà',
        phone: '+6).202',
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({
        issues: [
          { field: 'phone', message: '« Téléphone » n’est pas un numéro valide (exemple : 06 12 34 56 78).' },
        ],
      });
    });

    it('refuses by the rules (422) a past start, SMS without a phone, a month range backwards, a blank reason asked for', async () => {
      const member = await api.createMember({ firstName: 'Paul', lastName: 'Éluard' });
      const refusals: Array<[string, string, unknown, string]> = [
        [
          'POST',
          gardenUrl('/subscriptions'),
          {
            memberId: member.id,
            basketSize: 'small',
            frequency: 'weekly',
            depotId: api.depotId,
            startDate: addDays(today, -7),
          },
          'startDate',
        ],
        ['PUT', gardenUrl(`/members/${member.id}/contact-preferences`), { email: true, sms: true }, 'sms'],
        ['GET', gardenUrl('/reports/payments?from=2026-06&to=2026-01'), undefined, 'from'],
        [
          'PUT',
          gardenUrl(`/members/${member.id}/pricing-tier`),
          { tierId: 'solidaire', version: 0 },
          'reason',
        ],
      ];
      for (const [method, url, body, field] of refusals) {
        const response = await api.call(api.accounts.staff, method as 'GET' | 'POST' | 'PUT', url, body);
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(422);
        expect(response.json()).toMatchObject({ error: 'refused', issues: [{ field }] });
      }
    });

    it('documents what it refuses as malformed: blank reasons, dates and weeks that cannot be', async () => {
      const decision = description.paths['/api/gardens/{gardenId}/invoices/{number}/decision']?.post;
      expect(JSON.stringify(decision?.requestBody)).toMatch(
        /"reason":\{[^}]*"minLength":1[^}]*"pattern":"\\\\S"/,
      );
      const week = description.paths['/api/gardens/{gardenId}/weeks/{week}']?.get?.parameters?.find(
        (parameter) => parameter.name === 'week',
      );
      expect(week?.schema).toMatchObject({ pattern: expect.stringContaining('5[0-3]') });
      for (const which of ['0000-W00', '2026-W54']) {
        const response = await api.call(api.accounts.staff, 'GET', gardenUrl(`/weeks/${which}`));
        expect(response.statusCode, which).toBe(400);
      }
      // 2027 has 52 weeks: its week 53 has the shape of a week, and is not found.
      const missing = await api.call(api.accounts.staff, 'GET', gardenUrl('/weeks/2027-W53'));
      expect(missing.statusCode, missing.body).toBe(404);
      const pause = await api.call(
        api.accounts.staff,
        'POST',
        gardenUrl(`/subscriptions/${api.member.id}.2026-01-06/absences`),
        {
          dates: ['2026-02-30'],
        },
      );
      expect(pause.statusCode, pause.body).toBe(400);
    });

    it('refuses a query parameter it does not know, or a number written as a word', async () => {
      for (const query of ['?count=true', '?count=', '?couleur=vert']) {
        const response = await api.call(
          api.accounts.staff,
          'GET',
          gardenUrl(`/subscriptions/${api.member.id}.2026-01-06/next-deliveries${query}`),
        );
        expect(response.statusCode, `${query}: ${response.body}`).toBe(400);
      }
      const defaults = await api.call(api.accounts.staff, 'GET', gardenUrl('/weeks'));
      expect(defaults.statusCode, defaults.body).toBe(200);
      const limit = description.paths['/api/gardens/{gardenId}/weeks']?.get?.parameters?.find(
        (parameter) => parameter.name === 'limit',
      );
      expect(limit).not.toMatchObject({ required: true });
    });
  });

  describe('ids are checked by pattern before any handler runs', () => {
    const prototypeNames = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
    const hostile = [
      'd centre',
      '<img src=x onerror=alert(1)>',
      'd\u2011centre',
      'dépôt',
      'd/centre',
      'd%2Fcentre',
    ];

    it('documents a pattern and a length for every id in a path', () => {
      const loose = operations().flatMap(([method, path, operation]) =>
        (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'path' && parameter.schema?.type === 'string')
          .filter((parameter) => !parameter.schema?.pattern || !parameter.schema?.maxLength)
          .map((parameter) => `${method} ${path} ${parameter.name}`),
      );
      expect(loose).toEqual([]);
    });

    it('refuses prototype names and hostile text as depot, product, member and subscription ids (400)', async () => {
      for (const id of [...prototypeNames, ...hostile]) {
        const encoded = encodeURIComponent(id);
        const calls: Array<[string, string, unknown]> = [
          ['GET', gardenUrl(`/members/${encoded}`), undefined],
          ['GET', gardenUrl(`/subscriptions/${encoded}`), undefined],
          ['PUT', gardenUrl(`/depots/${encoded}`), { ...depot(), version: 1 }],
          [
            'PUT',
            gardenUrl(`/products/${encoded}`),
            { name: 'Carottes', unit: 'kg', active: true, version: 1 },
          ],
          ['POST', gardenUrl(`/subscriptions/${api.member.id}.2026-01-06/changes`), { depotId: id }],
          [
            'PUT',
            gardenUrl('/weeks/2026-W10/composition'),
            { small: [{ productId: id, quantity: 1 }], medium: [], large: [], version: 0 },
          ],
          [
            'POST',
            gardenUrl('/subscriptions'),
            {
              memberId: api.member.id,
              basketSize: 'small',
              frequency: 'weekly',
              depotId: id,
              startDate: today,
            },
          ],
        ];
        for (const [method, url, body] of calls) {
          const response = await api.call(api.accounts.staff, method as 'GET' | 'POST' | 'PUT', url, body);
          expect(response.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${response.body}`).toBe(400);
          expect(response.json()).toMatchObject({ error: 'invalid_input' });
        }
      }
    });

    it('never creates a depot or a product under a prototype name, whoever asks (a seed, an import)', async () => {
      for (const id of prototypeNames) {
        await expect(
          api.store.depots.createIfAbsent({ ...depot(), id, gardenId: api.gardenId, version: 1 }),
        ).rejects.toMatchObject({ code: 'invalid_input' });
        await expect(
          api.store.products.create(api.gardenId, id, { name: 'Carottes', unit: 'kg', active: true }),
        ).rejects.toMatchObject({ code: 'invalid_input' });
      }
      expect((await api.store.depots.list(api.gardenId)).map((each) => each.id)).not.toContain('constructor');
    });

    it('refuses a member applying online for a depot named like a prototype (400), before reading anything', async () => {
      const response = await api.call(api.accounts.member, 'POST', gardenUrl('/applications'), {
        subscription: { basketSize: 'small', frequency: 'weekly', depotId: 'constructor', startDate: today },
        consent: true,
      });
      expect(response.statusCode, response.body).toBe(400);
    });
  });
});
