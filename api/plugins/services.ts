import fp from 'fastify-plugin';
import type { Store } from '../../activities/store/index.ts';
import type { SubscriptionCommands } from '../../temporal/subscription-client.ts';

/** What routes use to read (the store) and to act (the workflows), given by the process that builds the app. */
export interface ApiServices {
  store: Store;
  subscriptions: SubscriptionCommands;
  /** The current instant; tests may fix it. */
  now: () => Date;
  newId: () => string;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: ApiServices;
  }
}

export const servicesPlugin = fp<{ services: ApiServices }>(
  async (app, options) => {
    app.decorate('services', options.services);
  },
  { name: 'services' },
);
