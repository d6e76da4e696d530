import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { Collection, MemberBilling } from '../../domain/billing-views.ts';
import type { Subscription } from '../../domain/subscription.ts';
import type { SubscriptionView } from '../../domain/views.ts';
import { collectionState, memberBilling } from '../views/member-billing.ts';
import {
  readBack,
  subscriptionNames,
  withNames,
  type SubscriptionNames,
} from '../views/subscription-views.ts';

/** What several routes answer, read from the store and the payment workflows. */
export interface Views {
  /** Subscriptions with the member and depot names people read beside them. */
  withNames(gardenId: string, subscriptions: Subscription[]): Promise<SubscriptionView[]>;
  /** The same names read once, for a list that also sorts by them. */
  subscriptionNames(gardenId: string, subscriptions: readonly Subscription[]): Promise<SubscriptionNames>;
  /** A subscription as its workflow wrote it, at least at `minimumRevision` (briefly awaited). */
  readBack(gardenId: string, id: string, minimumRevision: number): Promise<Subscription | undefined>;
  /** A household's billing: tier, saved means of payment, balance and invoices. */
  memberBilling(log: FastifyBaseLogger, gardenId: string, memberId: string): Promise<MemberBilling>;
  /** Where the collection of an invoice stands, when its workflow answers. */
  collectionState(
    log: FastifyBaseLogger,
    gardenId: string,
    invoiceNumber: number,
  ): Promise<Collection | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    views: Views;
  }
}

export const viewsPlugin = fp(
  async (app) => {
    const { store, payments } = app;
    app.decorate('views', {
      withNames: (gardenId, subscriptions) => withNames(store, gardenId, subscriptions),
      subscriptionNames: (gardenId, subscriptions) => subscriptionNames(store, gardenId, subscriptions),
      readBack: (gardenId, id, minimumRevision) => readBack(store, gardenId, id, minimumRevision),
      memberBilling: (log, gardenId, memberId) =>
        memberBilling({ store, payments: payments.collection, now: app.now }, log, gardenId, memberId),
      collectionState: (log, gardenId, invoiceNumber) =>
        collectionState(payments.collection, log, gardenId, invoiceNumber),
    } satisfies Views);
  },
  { name: 'views', dependencies: ['store', 'payments', 'clock'] },
);
