import { failureTypes } from '../domain/failure-types.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ApplicationFailure } from '@temporalio/common';
import { formatDay, gardenTimeZone, type IsoDate } from '../domain/calendar.ts';
import { cutoffOf, isDeliveryDay } from '../domain/delivery-calendar.ts';
import {
  basketsOfWeek,
  compositionRefusal,
  countBaskets,
  depotsOverCapacity,
  emptyComposition,
  type PlannedBasket,
} from '../domain/delivery-week.ts';
import { incidentKeys } from '../domain/incidents.ts';
import { weekDays } from '../domain/iso-weeks.ts';
import type { Localized } from '../domain/locale.ts';
import { basketSizes, type BasketSize } from '../domain/subscription.ts';
import { weekDocuments } from './documents/week-documents.ts';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import { weekDocumentKey, type DocumentStore } from '../adapters/store/documents.ts';
import { readGardenContext, scheduleContextOf } from '../adapters/store/garden-context.ts';
import type { Store } from '../adapters/store/index.ts';
import type { WeekSummary } from '../adapters/store/week-store.ts';

/** Side effects of preparing a delivery week. */
export function createWeekActivities(deps: {
  store: Store;
  documents: DocumentStore;
  mailer: Mailer;
  publicUrl: string;
}) {
  const { store } = deps;

  return {
    /** Ids of the garden's subscriptions that may have baskets (active or paused). */
    async runningSubscriptionIds(gardenId: string): Promise<string[]> {
      const subscriptions = await store.subscriptions.list(gardenId);
      return subscriptions
        .filter((subscription) => subscription.status === 'active' || subscription.status === 'paused')
        .map((subscription) => subscription.id)
        .sort();
    },

    /**
     * Writes the week's baskets of these subscriptions, as their schedules say now. The same
     * input twice gives the same records. A subscription whose stored data cannot be planned
     * keeps its baskets as they were and goes to the staff inbox (an incident): the others are
     * planned all the same. Its incident closes once it plans again.
     */
    async planWeekBaskets(input: {
      gardenId: string;
      week: string;
      subscriptionIds: string[];
    }): Promise<{ baskets: number; unplannable: string[] }> {
      const [context, subscriptions, existing, incidents] = await Promise.all([
        readGardenContext(store, input.gardenId),
        store.subscriptions.list(input.gardenId),
        store.weeks.baskets(input.gardenId, input.week),
        store.incidents.list(input.gardenId),
      ]);
      const wanted = new Set(input.subscriptionIds);
      const scheduleContext = scheduleContextOf(context);
      const baskets: PlannedBasket[] = [];
      const failures: Array<{ subscriptionId: string; memberId: string; cause: string }> = [];
      for (const subscription of subscriptions) {
        if (!wanted.has(subscription.id)) continue;
        try {
          baskets.push(...basketsOfWeek(subscription, scheduleContext, input.week));
        } catch (error) {
          failures.push({
            subscriptionId: subscription.id,
            memberId: subscription.memberId,
            cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
        }
      }
      const unplannable = new Set(failures.map((failure) => failure.subscriptionId));
      const planned = input.subscriptionIds.filter((id) => !unplannable.has(id));
      await store.weeks.replaceBaskets(input.gardenId, input.week, planned, baskets, existing);
      const now = new Date().toISOString();
      for (const failure of failures) {
        await store.incidents.report(
          {
            gardenId: input.gardenId,
            key: incidentKeys.unplannable(failure.subscriptionId),
            kind: 'subscription-unplannable',
            subject: { subscriptionId: failure.subscriptionId, memberId: failure.memberId, week: input.week },
            summary: {
              fr: `Les paniers de l'abonnement ${failure.subscriptionId} n'ont pas pu être calculés pour la semaine ${input.week.slice(6)} : une de ses données est invalide. Les autres paniers sont prêts ; corrigez l'abonnement (dépôt, changement…) et il sera replanifié.`,
              en: `The baskets of subscription ${failure.subscriptionId} could not be worked out for week ${input.week.slice(6)}: some of its data is invalid. The other baskets are ready; correct the subscription (depot, change…) and it will be planned again.`,
            },
            cause: failure.cause,
            retriesByItself: false,
          },
          now,
        );
      }
      const solved = new Set(planned.map((id) => incidentKeys.unplannable(id)));
      for (const incident of incidents) {
        if (solved.has(incident.key)) await store.incidents.resolve(input.gardenId, incident.key);
      }
      return { baskets: baskets.length, unplannable: [...unplannable] };
    },

    /** Counts the week's baskets by depot and size, flags full depots, says when the composition is due. */
    async summarizeWeek(input: {
      gardenId: string;
      week: string;
    }): Promise<
      Pick<WeekSummary, 'counts' | 'overCapacity' | 'absences'> & { deadline?: string; sizes: BasketSize[] }
    > {
      const [baskets, depots, context, garden, previous] = await Promise.all([
        store.weeks.baskets(input.gardenId, input.week),
        store.depots.list(input.gardenId),
        readGardenContext(store, input.gardenId),
        store.gardens.get(input.gardenId),
        store.weeks.summary(input.gardenId, input.week),
      ]);
      const counts = countBaskets(baskets);
      const overCapacity = depotsOverCapacity(
        counts.byDepot,
        Object.fromEntries(depots.map((depot) => [depot.id, depot.capacity])),
      );
      const absences = baskets.filter((basket) => basket.state === 'absent').length;
      await store.weeks.saveSummary({
        gardenId: input.gardenId,
        week: input.week,
        counts,
        overCapacity,
        absences,
        documents: previous?.documents ?? [],
        updatedAt: new Date().toISOString(),
      });
      // The composition is due when the week's first delivery is fixed (its cutoff).
      const firstDay = weekDays(input.week).find((day) =>
        depots.some((depot) => isDeliveryDay(context.calendar, depot.deliveryWeekday, day)),
      );
      const timeZone = garden?.timeZone ?? gardenTimeZone;
      return {
        counts,
        overCapacity,
        absences,
        sizes: basketSizes.filter((size) => counts.total[size] > 0),
        ...(firstDay
          ? { deadline: cutoffOf(firstDay, context.calendar.cutoffHours, timeZone).toISOString() }
          : {}),
      };
    },

    /** Why the week's composition cannot be approved yet, or undefined. */
    async compositionProblem(input: {
      gardenId: string;
      week: string;
      sizes: BasketSize[];
    }): Promise<Localized | undefined> {
      const [composition, products] = await Promise.all([
        store.weeks.composition(input.gardenId, input.week),
        store.products.list(input.gardenId),
      ]);
      return compositionRefusal(
        composition?.baskets,
        new Map(products.map((product) => [product.id, product])),
        input.sizes,
      );
    },

    /** Prints the harvest list and the depot sheets, stores them, and lists them in the summary. */
    async printWeekDocuments(input: { gardenId: string; week: string }): Promise<WeekSummary['documents']> {
      const { gardenId, week } = input;
      const [garden, composition, products, baskets, depots, summary] = await Promise.all([
        store.gardens.get(gardenId),
        store.weeks.composition(gardenId, week),
        store.products.list(gardenId),
        store.weeks.baskets(gardenId, week),
        store.depots.list(gardenId),
        store.weeks.summary(gardenId, week),
      ]);
      if (!garden)
        throw ApplicationFailure.nonRetryable(
          `Garden ${gardenId} is not registered`,
          failureTypes.gardenNotFound,
        );
      const members = await store.members.getMany(
        gardenId,
        baskets.map((basket) => basket.memberId),
      );
      const documents = await weekDocuments({
        gardenName: garden.name,
        week,
        composition: composition?.baskets ?? emptyComposition(),
        products: new Map(products.map((product) => [product.id, product])),
        baskets,
        members,
        depots,
        generatedAt: new Date(),
        timeZone: garden.timeZone,
      });
      const listed = await Promise.all(
        documents.map(async (document) => {
          const key = weekDocumentKey(gardenId, week, document.name);
          await deps.documents.put(key, document.bytes, 'application/pdf');
          return {
            name: document.name,
            title: document.title,
            key,
            ...(document.depotId ? { depotId: document.depotId } : {}),
          };
        }),
      );
      if (summary)
        await store.weeks.saveSummary({ ...summary, documents: listed, updatedAt: new Date().toISOString() });
      return listed;
    },

    /**
     * Tells the garden's staff, once, that the week's composition still awaits approval. The
     * week is marked reminded only once the email has gone: a mail server that is down makes
     * the activity fail and retry, it never swallows the reminder. (A crash between sending and
     * marking may send it twice, which is better than never.)
     */
    async remindStaffOfComposition(input: {
      gardenId: string;
      week: string;
      deadline: string;
    }): Promise<boolean> {
      const garden = await store.gardens.get(input.gardenId);
      if (!garden) return false;
      const marker = { pk: input.gardenId, sk: `WEEK#${input.week}#REMINDED` };
      const already = await store.db.send(
        new GetCommand({ TableName: store.tables.gardens, Key: marker, ConsistentRead: true }),
      );
      if (already.Item) return false;
      const due = new Intl.DateTimeFormat('fr-FR', {
        dateStyle: 'full',
        timeStyle: 'short',
        timeZone: garden.timeZone,
      }).format(new Date(input.deadline));
      const weekPage = `${deps.publicUrl.replace(/\/+$/, '')}/equipe/semaines/${input.week}`;
      await deps.mailer.send({
        to: garden.contactEmail,
        subject: `Composition de la semaine ${input.week.slice(6)} à valider`,
        text:
          `Bonjour,\n\nLa composition des paniers de la semaine ${input.week.slice(6)} ` +
          `(à partir du ${formatDay(weekDays(input.week)[0] as IsoDate)}) n'est pas encore validée. ` +
          `Elle doit l'être avant le ${due}, pour que les feuilles d'émargement et la liste de récolte soient prêtes.\n\n` +
          `${weekPage}\n\n— Cocagne, ${garden.name}`,
      });
      await store.db.send(
        new PutCommand({
          TableName: store.tables.gardens,
          Item: { ...marker, at: new Date().toISOString() },
        }),
      );
      return true;
    },
  };
}
export type WeekActivities = ReturnType<typeof createWeekActivities>;
