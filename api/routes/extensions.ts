import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Actor } from '../../domain/actor.ts';
import { CocagneError } from '../../domain/errors.ts';
import { failureRate, type TestVectors } from '../../domain/extension-rollout.ts';
import { gardenAdminRoles, staffRoles } from '../../domain/roles.ts';
import {
  hookInputProblems,
  hooks,
  hookNames,
  isWebAssembly,
  moduleMaxBytes,
} from '../../temporal/extension-services.ts';
import type { ExtensionServices } from '../../temporal/extension-services.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf, requireRole } from '../plugins/auth.ts';
import { requireExtensions } from '../plugins/extensions.ts';
import { GardenId } from '../../domain/ids.ts';
import { errorAnswers, GardenParams } from '../schemas.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';
import {
  ExtensionParams,
  ExtensionsView,
  ExtensionVersion,
  GoldenCaseBody,
  GoldenCaseSchema,
  GoldenParams,
  RolloutStatusSchema,
  UploadAnswer,
  UploadBody,
  uploadBodyLimit,
  VersionParams,
} from './extension-schemas.ts';

type Upload = Type.Static<typeof UploadBody>;

/** Well-formed but not acceptable (a file that is not a module, an input its hook refuses): 422. */
const invalid = (fr: string, en: string, field: string) => new CocagneError('refused', { fr, en }, { field });

/**
 * What an upload holds, decoded and checked before anything is stored: a WebAssembly module
 * under the size limit, test vectors only for hooks the manifest names, each input valid for
 * its hook.
 */
function decodeUpload(body: Upload): {
  manifest: Upload['manifest'];
  testVectors: TestVectors;
  module: Uint8Array;
} {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body.module)) {
    throw invalid(
      'Le module doit être envoyé en base64 (le fichier .wasm encodé).',
      'The module must be sent as base64 (the .wasm file encoded).',
      'module',
    );
  }
  const module = new Uint8Array(Buffer.from(body.module, 'base64'));
  if (module.byteLength > moduleMaxBytes) {
    throw invalid(
      `Le module fait ${Math.ceil(module.byteLength / 1024)} Kio : la limite est de ${moduleMaxBytes / 1024 / 1024} Mio.`,
      `The module is ${Math.ceil(module.byteLength / 1024)} KiB: the limit is ${moduleMaxBytes / 1024 / 1024} MiB.`,
      'module',
    );
  }
  if (!isWebAssembly(module)) {
    throw invalid(
      'Ce fichier n’est pas un module WebAssembly (.wasm) : compilez l’extension (voir extensions/README.md) et déposez le fichier dist/plugin.wasm.',
      'This file is not a WebAssembly module (.wasm): build the extension (see extensions/README.md) and upload dist/plugin.wasm.',
      'module',
    );
  }
  const testVectors: TestVectors = {};
  for (const hook of hookNames) {
    const cases = body.testVectors[hook];
    if (!cases) continue;
    if (!body.manifest.hooks.includes(hook)) {
      throw invalid(
        `Des tests sont fournis pour le point d’extension ${hook}, que le manifeste ne déclare pas.`,
        `Test vectors are given for hook ${hook}, which the manifest does not declare.`,
        `testVectors.${hook}`,
      );
    }
    cases.forEach((testCase, index) => {
      const problems = hookInputProblems(hook, testCase.input);
      if (problems.length > 0) {
        throw invalid(
          `Le test « ${testCase.name} » (${hook}) a une entrée invalide : ${problems.slice(0, 3).join(' ; ')}.`,
          `Test "${testCase.name}" (${hook}) has an invalid input: ${problems.slice(0, 3).join('; ')}.`,
          `testVectors.${hook}.${index}.input`,
        );
      }
    });
    testVectors[hook] = cases;
  }
  return { manifest: body.manifest, testVectors, module };
}

/**
 * An upload its rollout could not judge: no test vector, and the garden has no golden case for
 * any of its hooks. Its self-tests would run no case and fail (activities/extensions/
 * rollout-activities.ts); refused here first, with what to add. Undefined when it can be judged.
 */
async function withoutCases(
  extensions: ExtensionServices,
  gardenId: string,
  upload: ReturnType<typeof decodeUpload>,
): Promise<CocagneError | undefined> {
  if (Object.values(upload.testVectors).some((cases) => cases.length > 0)) return undefined;
  for (const hook of upload.manifest.hooks) {
    if ((await extensions.catalogue.records.goldenCases(gardenId, hook)).length > 0) return undefined;
  }
  const hooksNamed = upload.manifest.hooks.join(', ');
  return invalid(
    `Aucun test : ni vecteur de test, ni cas de référence du jardin pour ${hooksNamed}. Une extension sans aucun cas ne peut pas être jugée : joignez ses tests (test-vectors.json) ou ajoutez des cas de référence.`,
    `No case: no test vector, and no golden case of the garden for ${hooksNamed}. An extension with no case cannot be judged: attach its tests (test-vectors.json) or add golden cases.`,
    'testVectors',
  );
}

async function store(
  extensions: ExtensionServices,
  gardenId: string,
  upload: ReturnType<typeof decodeUpload>,
  actor: Actor,
  at: string,
) {
  const { record, created } = await extensions.catalogue.upload(gardenId, upload, { by: actor, at });
  return { record, created };
}

/** A garden's extensions: what runs, every version and its rollout; upload, decide, roll back. */
export const extensionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const commands = app.commands.extensions;
  const extensionsOf = () => requireExtensions(app.extensions);

  app.get(
    '/extensions',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['extensions'],
        summary:
          "The garden's extensions: the active set, every version with its status, checks, self-tests, diff, error rate and history, and the golden cases.",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: ExtensionsView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { catalogue } = extensionsOf();
      const [active, versions, goldenCases] = await Promise.all([
        catalogue.activeSet(gardenId),
        catalogue.records.versions(gardenId),
        catalogue.records.goldenCases(gardenId),
      ]);
      const names = [...new Set(versions.map((version) => version.name))];
      const extensions = await Promise.all(
        names.map(async (name) => {
          const rollout = await commands.status(gardenId, name).catch(() => undefined);
          const ofName = await Promise.all(
            versions
              .filter((version) => version.name === name)
              .map(async (version) => {
                const figures = await catalogue.records.callFigures(gardenId, name, version.version);
                return { ...version, figures: { ...figures, failureRate: failureRate(figures) } };
              }),
          );
          return { name, rollout: rollout ?? null, versions: ofName };
        }),
      );
      return {
        active,
        hooks: hookNames.map((name) => ({
          name,
          version: hooks[name].version,
          summary: hooks[name].summary,
        })),
        extensions,
        goldenCases,
      };
    },
  );

  app.post(
    '/extensions',
    {
      bodyLimit: uploadBodyLimit,
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['extensions'],
        summary:
          'Uploads a version (manifest, test vectors, module in base64): stored, then checked, self-tested and put to the garden admins by its rollout.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: UploadBody,
        response: { 202: UploadAnswer, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const upload = decodeUpload(request.body);
      const refusal = await withoutCases(extensionsOf(), gardenId, upload);
      if (refusal) throw refusal;
      const { record, created } = await store(
        extensionsOf(),
        gardenId,
        upload,
        actorOf(callerOf(request)),
        app.now().toISOString(),
      );
      // The same version again: its rollout already has it (unless telling it failed then).
      if (created || record.status === 'uploaded')
        await commands.uploaded(gardenId, record.name, record.version);
      return reply.status(202).send({
        name: record.name,
        version: record.version,
        contentHash: record.contentHash,
        status: record.status,
        created,
      });
    },
  );

  const decisionSchema = (summary: string, body?: ReturnType<typeof Type.Object>) => ({
    config: { roles: gardenAdminRoles },
    schema: {
      tags: ['extensions'],
      summary,
      security: [{ bearer: [] }],
      params: VersionParams,
      ...(body ? { body } : {}),
      response: { 200: RolloutStatusSchema, ...errorAnswers },
    },
  });

  app.post(
    '/extensions/:name/versions/:version/approve',
    decisionSchema(
      'Approves the version awaiting approval: it is activated, then watched during its probation.',
    ),
    async (request) => {
      const { gardenId, name, version } = request.params;
      return commands.approve(gardenId, name, version, actorOf(callerOf(request)));
    },
  );

  app.post(
    '/extensions/:name/versions/:version/reject',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['extensions'],
        summary: 'Rejects the version awaiting approval, with a reason: it is never activated.',
        security: [{ bearer: [] }],
        params: VersionParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: RolloutStatusSchema, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, name, version } = request.params;
      return commands.reject(gardenId, name, version, actorOf(callerOf(request)), request.body.reason);
    },
  );

  app.post(
    '/extensions/:name/rollback',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['extensions'],
        summary:
          'Rolls the active version back to the one before it (or to the built-in behaviour), at once; `version` is the active one the admin looked at.',
        security: [{ bearer: [] }],
        params: ExtensionParams,
        body: Type.Object(
          {
            version: Type.Optional(ExtensionVersion),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RolloutStatusSchema, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, name } = request.params;
      return commands.rollback(gardenId, name, actorOf(callerOf(request)), request.body);
    },
  );

  app.post(
    '/extensions/golden-cases',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['extensions'],
        summary:
          "Adds a golden case for a hook: an input and the answer the garden expects. Every version's self-tests run it.",
        security: [{ bearer: [] }],
        params: GardenParams,
        body: GoldenCaseBody,
        response: { 201: GoldenCaseSchema, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const { hook, name, input, output } = request.body;
      const problems = hookInputProblems(hook, input);
      if (problems.length > 0) {
        throw invalid(
          `Cette entrée ne convient pas au point d’extension ${hook} : ${problems.slice(0, 3).join(' ; ')}.`,
          `This input does not fit hook ${hook}: ${problems.slice(0, 3).join('; ')}.`,
          'input',
        );
      }
      const golden = {
        id: `g-${randomUUID().slice(0, 13)}`,
        hook,
        name,
        input,
        output,
        added: { by: actorOf(callerOf(request)), at: app.now().toISOString() },
      };
      await extensionsOf().catalogue.records.addGoldenCase(
        gardenId,
        golden,
        staffChangeLog(app, request, gardenId, {
          action: 'extension.golden-case-saved',
          subject: { kind: 'extension', id: hook },
        }),
      );
      return reply.status(201).send(golden);
    },
  );

  app.delete(
    '/extensions/golden-cases/:hook/:id',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['extensions'],
        summary: 'Removes a golden case.',
        security: [{ bearer: [] }],
        params: GoldenParams,
        response: { 204: Type.Null(), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, hook, id } = request.params;
      const { records } = extensionsOf().catalogue;
      const removed = (await records.goldenCases(gardenId, hook)).find((golden) => golden.id === id);
      const log = staffChangeLog(app, request, gardenId, {
        action: 'extension.golden-case-deleted',
        subject: { kind: 'extension', id: hook },
        ...(removed ? { before: { id, hook, name: removed.name } } : {}),
      });
      if (!removed || !(await records.removeGoldenCase(gardenId, hook, id, log))) {
        throw new CocagneError('not_found', {
          fr: 'Cas de référence introuvable.',
          en: 'Golden case not found.',
        });
      }
      return reply.status(204).send(null);
    },
  );
};

/** The network admin's upload of one version for every garden: one rollout per garden. */
export const networkExtensionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const commands = app.commands.extensions;

  app.post(
    '/network/extensions',
    {
      bodyLimit: uploadBodyLimit,
      onRequest: async (request: FastifyRequest) => {
        await app.authenticate(request);
        requireRole(request, ['network-admin']);
      },
      schema: {
        tags: ['extensions'],
        summary:
          "Uploads a version for every garden (network admin): each garden's rollout checks, tests and puts it to that garden's admins.",
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            ...UploadBody.properties,
            gardens: Type.Optional(
              Type.Array(GardenId, {
                minItems: 1,
                maxItems: 500,
                uniqueItems: true,
                description: 'Only these gardens (every garden when absent).',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({
            gardens: Type.Array(
              Type.Object({
                gardenId: Type.String(),
                created: Type.Boolean(),
                status: Type.String(),
                /** Why this garden did not take it (its own module under the same version). */
                refusal: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const extensions = requireExtensions(app.extensions);
      const upload = decodeUpload(request.body);
      const actor = actorOf(callerOf(request));
      const at = app.now().toISOString();
      const wanted = request.body.gardens;
      const registered = await app.store.gardens.list();
      const unknown = wanted?.filter((id) => !registered.some((garden) => garden.id === id)) ?? [];
      if (unknown.length > 0) {
        throw invalid(
          `Jardin(s) inconnu(s) : ${unknown.join(', ')}.`,
          `Unknown garden(s): ${unknown.join(', ')}.`,
          'gardens',
        );
      }
      const gardens = [];
      for (const garden of registered.filter((garden) => !wanted || wanted.includes(garden.id))) {
        // Without vectors, only the gardens whose golden cases can judge it take it.
        const untestable = await withoutCases(extensions, garden.id, upload);
        if (untestable) {
          gardens.push({
            gardenId: garden.id,
            created: false,
            status: 'refused',
            refusal: untestable.say(request.locale),
          });
          continue;
        }
        try {
          const { record, created } = await store(extensions, garden.id, upload, actor, at);
          if (created || record.status === 'uploaded')
            await commands.uploaded(garden.id, record.name, record.version);
          gardens.push({ gardenId: garden.id, created, status: record.status });
        } catch (error) {
          if (!(error instanceof CocagneError && error.code === 'duplicate')) throw error;
          gardens.push({
            gardenId: garden.id,
            created: false,
            status: 'refused',
            refusal: error.say(request.locale),
          });
        }
      }
      return reply.status(202).send({ gardens });
    },
  );
};
