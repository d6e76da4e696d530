import fp from 'fastify-plugin';
import type { ExtensionServices } from '../../temporal/extension-services.ts';
import { CocagneError } from '../../domain/errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The gardens' extensions: the catalogue (modules and active sets in S3, versions in
     * DynamoDB) and the hook runner (`runHook(garden, hook, input)`), built once by the process.
     */
    extensions: ExtensionServices | undefined;
  }
}

/** The extensions, or a 503 when this process was built without them (some tests). */
export function requireExtensions(extensions: ExtensionServices | undefined): ExtensionServices {
  if (!extensions) {
    throw new CocagneError('unavailable', {
      fr: 'Les extensions ne sont pas disponibles sur ce serveur.',
      en: 'Extensions are not available on this server.',
    });
  }
  return extensions;
}

export const extensionsPlugin = fp<{ extensions: ExtensionServices | undefined }>(
  async (app, options) => {
    app.decorate('extensions', options.extensions);
    app.addHook('onClose', async () => options.extensions?.close());
  },
  { name: 'extensions' },
);
