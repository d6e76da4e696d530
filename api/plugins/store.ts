import fp from 'fastify-plugin';
import type { Store } from '../../adapters/store/index.ts';
import type { DocumentStore } from '../../adapters/store/documents.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The gardens' records (DynamoDB): every read of the API comes from here. */
    store: Store;
    /** The garden's printed documents (S3): invoices, depot sheets, harvest lists. */
    documents: DocumentStore;
  }
}

/** What the gardens keep: their records and their printed documents. */
export const storePlugin = fp<{ store: Store; documents: DocumentStore }>(
  async (app, options) => {
    app.decorate('store', options.store);
    app.decorate('documents', options.documents);
  },
  { name: 'store' },
);
