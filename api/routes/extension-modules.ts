import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { activeFor, type ExtensionCatalogue } from '../../domain/extensions/catalogue.ts';
import { notFound } from '../../domain/errors.ts';
import { errorAnswers, fileAnswer, GardenParams } from '../schemas.ts';

/**
 * The hooks whose module the web app runs in the browser too (for instant feedback: the server
 * runs the same module and its answer counts). Any other hook's module stays on the server.
 */
export const browserHooks = ['sign-up-checks'] as const;

const ContentHash = Type.String({
  pattern: '^[0-9a-f]{64}$',
  minLength: 64,
  maxLength: 64,
  description: "The module's SHA-256, hex.",
});

const BrowserModule = Type.Object({
  hook: Type.String(),
  name: Type.String(),
  version: Type.String(),
  contentHash: ContentHash,
  /** Where the bytes are: the address holds the content hash, so it may be cached for ever. */
  url: Type.String(),
});

const HookParams = Type.Object({ ...GardenParams.properties, hook: Type.Enum([...browserHooks]) });
const ModuleParams = Type.Object({ ...HookParams.properties, contentHash: ContentHash });

const moduleLabel = { fr: 'Module d’extension', en: 'Extension module' };

/**
 * The garden's active module for a browser hook, public (the application form runs it before
 * the person has a garden): which one, then its bytes by content hash. Only a module that is
 * active in this garden for this hook is served.
 */
export const extensionModuleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  /** A process built without extensions (some tests) has no module to give. */
  const catalogue: ExtensionCatalogue | undefined = app.extensions?.catalogue;

  async function activeModule(gardenId: string, hook: string) {
    if (!(await store.gardens.get(gardenId))) throw notFound({ fr: 'Jardin', en: 'Garden' });
    return catalogue ? activeFor(await catalogue.activeSet(gardenId), hook) : undefined;
  }

  app.get(
    '/extension-modules/:hook',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: { reason: 'the application form runs it before the person joins' } },
      schema: {
        tags: ['extensions'],
        summary: "The garden's active module for a hook the web app runs in the browser (public), or null.",
        params: HookParams,
        response: { 200: Type.Object({ module: Type.Union([BrowserModule, Type.Null()]) }), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, hook } = request.params;
      const active = await activeModule(gardenId, hook);
      // A rollout or a rollback changes it: browsers ask again after a minute.
      void reply.header('cache-control', 'public, max-age=60');
      if (!active) return { module: null };
      return {
        module: {
          hook,
          name: active.name,
          version: active.version,
          contentHash: active.contentHash,
          url: `/api/gardens/${gardenId}/extension-modules/${hook}/${active.contentHash}`,
        },
      };
    },
  );

  app.get(
    '/extension-modules/:hook/:contentHash',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: { reason: 'the application form runs it before the person joins' } },
      schema: {
        tags: ['extensions'],
        summary:
          "The bytes of the garden's active module for a browser hook, by content hash (public, immutable).",
        params: ModuleParams,
        response: { 200: fileAnswer('application/wasm', 'The WebAssembly module.'), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, hook, contentHash } = request.params;
      const active = await activeModule(gardenId, hook);
      if (active?.contentHash !== contentHash) throw notFound(moduleLabel);
      const bytes = await catalogue!.moduleBytes(contentHash);
      return reply
        .header('content-type', 'application/wasm')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
};
