import fp from 'fastify-plugin';

/** What changes from one call to the next: the instant and new ids (tests may fix them). */
export interface Clock {
  now: () => Date;
  newId: () => string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The current instant. */
    now: () => Date;
    /** A new member id (`m-…`); depots and products reuse its random part. */
    newId: () => string;
  }
}

export const clockPlugin = fp<Clock>(
  async (app, options) => {
    app.decorate('now', options.now);
    app.decorate('newId', options.newId);
  },
  { name: 'clock' },
);
