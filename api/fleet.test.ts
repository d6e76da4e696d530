import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyFleet, type Fleet, type FleetInput, type VehicleInput } from '../domain/rounds/fleet.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/** What garden admins set for the rounds: vehicles and drivers, service times, the optimiser and its key. */
describe('fleet', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('fleet');
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
  });
  afterAll(async () => {
    if (gardenAdmin) await deleteAccounts([gardenAdmin]);
    await api?.close();
  });

  const fleetUrl = (suffix = '') => `/api/gardens/${api.gardenId}/fleet${suffix}`;
  const secretKey = 'ck_live_7f3a9c2e51d84b06a1e2';

  const van: VehicleInput = {
    id: 'v-kangoo',
    name: 'Kangoo',
    driverName: 'Karim Haddad',
    driverPhone: '06 12 34 56 78',
    driverUsername: 'chauffeur-doubs',
    capacity: 60,
    start: { lat: 47.2602, lng: 6.0436 },
    workStart: '08:00',
    workEnd: '17:30',
  };
  const wanted: FleetInput = {
    vehicles: [
      van,
      {
        id: 'v-trafic',
        name: '<b>Trafic</b> & co',
        driverName: 'Léa <img src=x onerror=alert(1)>',
        capacity: 90,
        start: { lat: 47.2602, lng: 6.0436 },
        end: { lat: 47.2378, lng: 6.0241 },
        workStart: '13:00',
        workEnd: '20:00',
      },
    ],
    serviceMinutes: { depot: 12, home: 4 },
    optimiser: 'local',
    reoptimiseAfterApproval: false,
    tellMembersTheirWindow: true,
  };

  async function readFleet(account: TestAccount = api.accounts.staff): Promise<Fleet> {
    const response = await api.call(account, 'GET', fleetUrl());
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Fleet>();
  }

  async function save(body: Record<string, unknown>, account: TestAccount = gardenAdmin) {
    return api.call(account, 'PUT', fleetUrl(), body);
  }

  it('starts empty (version 0), saves with the version read (phones in E.164, names as typed), stale is 409', async () => {
    const { updatedAt: _empty, ...empty } = emptyFleet(api.gardenId);
    expect(await readFleet()).toMatchObject(empty);

    const saved = await save({ ...wanted, version: 0 });
    expect(saved.statusCode, saved.body).toBe(200);
    const fleet = saved.json<Fleet>();
    expect(fleet).toMatchObject({
      gardenId: api.gardenId,
      version: 1,
      serviceMinutes: { depot: 12, home: 4 },
      reoptimiseAfterApproval: false,
    });
    expect(fleet.vehicles[0]).toEqual({ ...van, driverPhone: '+33612345678' });
    // Markup in names is kept as typed: it is text, which the web app shows as text.
    expect(fleet.vehicles[1]).toMatchObject({
      name: '<b>Trafic</b> & co',
      driverName: 'Léa <img src=x onerror=alert(1)>',
    });
    expect(await readFleet()).toEqual(fleet);
    // Staff read it as admins do.
    expect(await readFleet(gardenAdmin)).toEqual(fleet);

    const staleVersion = await save({ ...wanted, serviceMinutes: { depot: 1, home: 1 }, version: 0 });
    expect(staleVersion.statusCode, staleVersion.body).toBe(409);
    expect(staleVersion.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/^Quelqu'un d'autre a modifié cette fiche entre-temps/),
    });
    expect(await readFleet()).toEqual(fleet);
  });

  it('lets only garden admins change it; staff read it; drivers, members and other gardens do not', async () => {
    const before = await readFleet();
    const byStaff = await save({ ...wanted, vehicles: [], version: before.version }, api.accounts.staff);
    expect(byStaff.statusCode, byStaff.body).toBe(403);
    expect(byStaff.json()).toMatchObject({ message: "Votre compte n'a pas le droit de faire cela." });
    for (const account of [api.accounts.driver, api.accounts.member, api.accounts.otherStaff]) {
      const read = await api.call(account, 'GET', fleetUrl());
      expect(read.statusCode, read.body).toBe(403);
      const write = await save({ ...wanted, vehicles: [], version: before.version }, account);
      expect(write.statusCode, write.body).toBe(403);
      const key = await api.call(account, 'PUT', fleetUrl('/circuit-key'), { key: secretKey });
      expect(key.statusCode, key.body).toBe(403);
      const removal = await api.call(account, 'DELETE', fleetUrl('/circuit-key'));
      expect(removal.statusCode, removal.body).toBe(403);
    }
    const keyByStaff = await api.call(api.accounts.staff, 'PUT', fleetUrl('/circuit-key'), {
      key: secretKey,
    });
    expect(keyByStaff.statusCode, keyByStaff.body).toBe(403);
    expect(await api.call(undefined, 'GET', fleetUrl()).then((r) => r.statusCode)).toBe(401);
    expect(await readFleet()).toEqual(before);
    expect(await api.store.fleet.circuitKey(api.gardenId)).toBeUndefined();
  });

  const malformed: Array<[string, Record<string, unknown>, string | RegExp]> = [
    [
      'a phone that is no number',
      { vehicles: [{ ...van, driverPhone: '12 34' }] },
      '« Téléphone du chauffeur » n’est pas un numéro valide (exemple : 06 12 34 56 78).',
    ],
    ['a vehicle id like __proto__', { vehicles: [{ ...van, id: '__proto__' }] }, /format/],
    ['a vehicle id with markup', { vehicles: [{ ...van, id: '<script>' }] }, /format/],
    ['a blank driver name', { vehicles: [{ ...van, driverName: '  ' }] }, '« Chauffeur » est obligatoire.'],
    [
      'a time of day that is not one',
      { vehicles: [{ ...van, workStart: '25:00' }] },
      '« Début de journée » doit être une heure (exemple : 08:30).',
    ],
    ['no capacity', { vehicles: [{ ...van, capacity: 0 }] }, '« Capacité » doit être au moins 1.'],
    [
      'a latitude off the globe',
      { vehicles: [{ ...van, start: { lat: 91, lng: 6 } }] },
      '« Latitude » ne peut pas dépasser 90.',
    ],
    ['an unknown optimiser', { optimiser: 'google' }, /« Optimiseur » doit être l'une de ces valeurs/],
    ['the key inside the fleet', { circuitKey: secretKey }, 'Champ inconnu : circuitKey.'],
  ];

  it.each(malformed)(
    'refuses %s (400, a French sentence), changing nothing',
    async (_case, change, message) => {
      const before = await readFleet();
      const response = await save({ ...wanted, ...change, version: before.version });
      expect(response.statusCode, response.body).toBe(400);
      const answer = response.json<{ error: string; message: string }>();
      expect(answer.error).toBe('invalid_input');
      if (typeof message === 'string') expect(answer.message).toContain(message);
      else expect(answer.message).toMatch(message);
      expect(await readFleet()).toEqual(before);
    },
  );

  // Well-formed, but the fleet's rules refuse it: 422, as every rule between fields in this API.
  const refused: Array<[string, Partial<FleetInput>, string, string]> = [
    [
      'two vehicles with one id',
      { vehicles: [van, { ...van, driverUsername: 'chauffeur2-doubs' }] },
      'vehicle-1-id',
      'Deux véhicules ont l’identifiant « v-kangoo » : chaque véhicule a le sien.',
    ],
    [
      'two vehicles for one driver login',
      { vehicles: [van, { ...van, id: 'v-autre', driverUsername: 'Chauffeur-Doubs' }] },
      'vehicle-1-driverUsername',
      'L’identifiant de connexion « chauffeur-doubs » est déjà celui d’un autre véhicule',
    ],
    [
      'a working day that ends before it starts',
      { vehicles: [{ ...van, workStart: '14:00', workEnd: '09:00' }] },
      'vehicle-0-workEnd',
      'Véhicule « Kangoo » : la fin de journée (09:00) doit venir après le début (14:00).',
    ],
    [
      'Circuit without a key',
      { optimiser: 'circuit' },
      'optimiser',
      'Pour optimiser les tournées avec Circuit, enregistrez d’abord la clé d’API Circuit du jardin',
    ],
  ];

  it.each(refused)(
    'refuses %s (422, said beside its field), changing nothing',
    async (_case, change, field, message) => {
      const before = await readFleet();
      const response = await save({ ...wanted, ...change, version: before.version });
      expect(response.statusCode, response.body).toBe(422);
      const answer = response.json<{ error: string; message: string; issues: Array<{ field: string }> }>();
      expect(answer.error).toBe('refused');
      expect(answer.message).toContain(message);
      expect(answer.issues).toEqual([{ field, message: expect.stringContaining(message) }]);
      expect(await readFleet()).toEqual(before);
    },
  );

  it('stores the Circuit key as a secret: only its last four characters are ever answered', async () => {
    const stored = await api.call(gardenAdmin, 'PUT', fleetUrl('/circuit-key'), { key: secretKey });
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json<Fleet>().circuitKeyHint).toBe('a1e2');
    expect(stored.body).not.toContain(secretKey.slice(0, -4));

    // Now Circuit may be chosen.
    const before = await readFleet();
    const circuit = await save({ ...wanted, optimiser: 'circuit', version: before.version });
    expect(circuit.statusCode, circuit.body).toBe(200);
    expect(circuit.json<Fleet>()).toMatchObject({ optimiser: 'circuit', circuitKeyHint: 'a1e2' });

    for (const account of [api.accounts.staff, gardenAdmin]) {
      const read = await api.call(account, 'GET', fleetUrl());
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain(secretKey.slice(0, -4));
      expect(read.json<Fleet>().circuitKeyHint).toBe('a1e2');
    }
    expect(circuit.body).not.toContain(secretKey.slice(0, -4));
    // The worker reads it for the Circuit adapter.
    expect(await api.store.fleet.circuitKey(api.gardenId)).toBe(secretKey);

    const short = await api.call(gardenAdmin, 'PUT', fleetUrl('/circuit-key'), { key: 'abc' });
    expect(short.statusCode, short.body).toBe(400);
    expect(short.json()).toMatchObject({ message: '« Clé » doit contenir au moins 12 caractères.' });

    // While Circuit optimises the rounds, its key stays.
    const removedTooSoon = await api.call(gardenAdmin, 'DELETE', fleetUrl('/circuit-key'));
    expect(removedTooSoon.statusCode, removedTooSoon.body).toBe(422);
    expect(removedTooSoon.json()).toMatchObject({
      message:
        'Les tournées sont optimisées avec Circuit : choisissez d’abord l’optimiseur intégré, puis retirez la clé.',
    });
    expect(await api.store.fleet.circuitKey(api.gardenId)).toBe(secretKey);

    const local = await save({ ...wanted, optimiser: 'local', version: circuit.json<Fleet>().version });
    expect(local.statusCode, local.body).toBe(200);
    const removed = await api.call(gardenAdmin, 'DELETE', fleetUrl('/circuit-key'));
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json<Fleet>().circuitKeyHint).toBeUndefined();
    expect(await api.store.fleet.circuitKey(api.gardenId)).toBeUndefined();
  });

  it('refuses a garden id like __proto__ in the address', async () => {
    const response = await api.call(gardenAdmin, 'GET', '/api/gardens/__proto__/fleet');
    expect([400, 403, 404]).toContain(response.statusCode);
  });
});
