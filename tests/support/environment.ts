import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentStore } from '../../adapters/store/documents.ts';
import { createActivities } from '../../activities/index.ts';
import { createStore, type Store } from '../../adapters/store/index.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { ActivitySettings, activityDepsFrom } from '../../temporal/activity-deps.ts';
import { ensureTables } from '../../adapters/store/tables.ts';
import type { Depot } from '../../domain/depot.ts';
import type { Garden } from '../../domain/garden.ts';
import { localEnvironment } from '../../infra/local/environment.ts';
import { createHistoryArchive } from '../../adapters/store/history-archive.ts';
import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import { dataConverterFrom, TemporalSettings } from '../../temporal/settings.ts';

/**
 * Settings of the local stack for tests: what `npm test` passed in, else the local defaults
 * (so one test file can also be run directly with vitest while the stack is up).
 * Tests use their own tables (prefix cocagne-test) and their own gardens, never the demo data.
 */
export function testEnvironment(): Record<string, string> {
  const defaults = { ...localEnvironment(), DYNAMODB_TABLE_PREFIX: 'cocagne-test' };
  const merged: Record<string, string> = { ...defaults };
  for (const name of Object.keys(defaults)) {
    const value = process.env[name];
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return merged;
}

// AWS SDK clients read credentials from the environment: make the local ones visible to them.
for (const [name, value] of Object.entries(testEnvironment())) {
  if (name.startsWith('AWS_') && !process.env[name]) process.env[name] = value;
}

function required(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts the local stack.`);
  return value;
}

export async function testStore(): Promise<Store> {
  const env = testEnvironment();
  const config = {
    region: required(env, 'AWS_REGION'),
    endpoint: required(env, 'DYNAMODB_ENDPOINT'),
    tablePrefix: required(env, 'DYNAMODB_TABLE_PREFIX'),
  };
  const store = createStore(config);
  const client = new DynamoDBClient({ region: config.region, endpoint: config.endpoint });
  await ensureTables(client, store.tables);
  client.destroy();
  return store;
}

/** A garden id no other test uses. */
export function uniqueGardenId(purpose: string): string {
  return `t-${purpose}-${randomUUID().slice(0, 8)}`;
}

export function testGarden(id: string): Garden {
  return {
    id,
    name: `Jardin de test ${id}`,
    city: 'Besançon',
    contactEmail: `contact-${id}@example.org`,
    timeZone: 'Europe/Paris',
    createdAt: new Date().toISOString(),
  };
}

/** Registers a fresh garden with one depot; returns its id and the depot's. */
export async function createTestGarden(store: Store, purpose: string) {
  const gardenId = uniqueGardenId(purpose);
  await store.gardens.register(testGarden(gardenId));
  const depotId = await addTestDepot(store, gardenId, {
    id: 'd-centre',
    name: 'Dépôt du centre',
    address: { street: '1 place Pasteur', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.2378, lng: 6.0241 },
  });
  return { gardenId, depotId };
}

/**
 * Adds a depot to a test garden (open 17 h – 19 h, for 40 baskets, on Tuesdays unless told);
 * returns its id.
 */
export async function addTestDepot(
  store: Store,
  gardenId: string,
  depot: Pick<Depot, 'id' | 'name' | 'address' | 'location'> & Partial<Depot>,
): Promise<string> {
  await store.depots.createIfAbsent({
    gardenId,
    deliveryWeekday: 2,
    openingHours: '17 h – 19 h',
    capacity: 40,
    version: 1,
    ...depot,
  });
  return depot.id;
}

/** The Thursday depot (`d-jeudi`, in Saint-Vit) that tests of depot changes add; returns its id. */
export function addThursdayDepot(store: Store, gardenId: string, capacity = 25): Promise<string> {
  return addTestDepot(store, gardenId, {
    id: 'd-jeudi',
    name: 'Dépôt du jeudi',
    address: { street: '3 rue de la Fontaine', postalCode: '25410', city: 'Saint-Vit' },
    location: { lat: 47.18, lng: 5.81 },
    deliveryWeekday: 4,
    capacity,
  });
}

/**
 * The worker's activities over the local stack, sharing the test's store; `settings` replace
 * some of the environment's (e.g. KEYCLOAK_ADMIN_URL through a proxy a test can cut).
 */
export function testActivities(store: Store, settings: Record<string, string> = {}) {
  const deps = activityDepsFrom(readConfiguration(ActivitySettings, { ...testEnvironment(), ...settings }));
  deps.store.close();
  return createActivities({ ...deps, store });
}

/** The S3 archive of closed histories on the local stack (activities/history-archive.ts). */
export function testHistoryArchive() {
  const env = testEnvironment();
  return createHistoryArchive(
    new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true }),
    env.S3_BUCKET ?? 'cocagne-documents',
  );
}

/** The documents bucket of the local stack (S3 on versitygw). */
export function testDocuments() {
  const env = testEnvironment();
  return createDocumentStore(
    new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true }),
    env.S3_BUCKET ?? 'cocagne-documents',
  );
}

/**
 * How the tests' Temporal clients and workers convert payloads: sealed with the local stack's
 * payload key, as the app's processes do (a client without it could not read their results).
 */
export function testDataConverter(): DataConverter | undefined {
  return dataConverterFrom(readConfiguration(TemporalSettings, testEnvironment()));
}

/** The value of a payload read from a raw history (sealed by the app's codec): opened, then parsed. */
export async function openPayload(payload: Payload): Promise<unknown> {
  let opened = payload;
  for (const codec of [...(testDataConverter()?.payloadCodecs ?? [])].reverse())
    [opened] = (await codec.decode([opened])) as [Payload];
  return defaultPayloadConverter.fromPayload(opened);
}
