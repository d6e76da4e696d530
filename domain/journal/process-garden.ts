import { formatMonth } from '../calendar.ts';
import { provisioningStepLabels, type ProvisioningStep } from '../garden-provisioning.ts';
import type { Localized } from '../locale.ts';
import type { ProcessEvent } from './process-events.ts';
import {
  actorOf,
  byWhom,
  noticeEntry,
  personOf,
  plain,
  record,
  shortDay,
  text,
  type EntryDraft,
  type EventMapper,
  type RunReader,
} from './process-journal.ts';

// The garden's other processes: billing runs, weeks, rounds, extension rollouts, garden
// creation and retirement, settings broadcasts. Their main steps and every person's decision.

const one = (kind: string, category: EntryDraft['category'], fr: string, en: string): EntryDraft[] => [
  { kind, category, text: { fr, en } },
];

function activityName(event: ProcessEvent, reader: RunReader): string | undefined {
  return event.eventType === 'ActivityTaskCompleted' ? reader.scheduled(event)?.name : undefined;
}

function decisionBy(
  event: ProcessEvent,
  reader: RunReader,
  kind: string,
  words: Localized,
  actorKey = 'actor',
  role?: string,
): EntryDraft[] {
  const args = record(event.args?.[0]);
  const person = personOf(reader, args[actorKey], 'staff');
  const actor = person && role ? { ...person, role } : person;
  const reason = text(args['reason']);
  return [
    {
      kind,
      category: 'decision',
      text: {
        fr: `${words.fr} ${byWhom(actor).fr}${reason ? ` : « ${reason} »` : ''}`,
        en: `${words.en} ${byWhom(actor).en}${reason ? `: "${reason}"` : ''}`,
      },
      actor,
      reason,
    },
  ];
}

/** A month's billing run or a season's installments (workflows/billing). */
export const billingMapper: EventMapper = (event, reader) => {
  const input = record(event.args?.[0]);
  if (event.eventType === 'WorkflowExecutionStarted' && !input['carried']) {
    const month =
      typeof input['month'] === 'string' && /^\d{4}-\d{2}$/.test(input['month']) ? input['month'] : undefined;
    const period: Localized = month
      ? { fr: formatMonth(month, 'fr'), en: formatMonth(month, 'en') }
      : { fr: plain(input['month']), en: plain(input['month']) };
    return one(
      'billing.started',
      'payment',
      `Facturation de ${period.fr} commencée`,
      `Billing of ${period.en} started`,
    );
  }
  const name = activityName(event, reader);
  if (
    name === 'issueMonthlyInvoice' ||
    name === 'issueMembershipInvoice' ||
    name === 'issueSeasonInstallments'
  ) {
    const issued = record(event.result);
    const number = issued['number'] ?? issued['invoiceNumber'];
    if (number === undefined && !Array.isArray(event.result)) return [];
    return typeof number === 'number'
      ? one('billing.invoice-issued', 'payment', `Facture ${number} émise`, `Invoice ${number} issued`)
      : one('billing.invoices-issued', 'payment', 'Échéances émises', 'Installments issued');
  }
  if (event.eventType === 'WorkflowExecutionCompleted') {
    const invoices = record(event.result)['invoices'];
    const count = Array.isArray(invoices) ? invoices.length : 0;
    return one(
      'billing.done',
      'payment',
      `Facturation terminée : ${count} facture(s)`,
      `Billing done: ${count} invoice(s)`,
    );
  }
  return [];
};

/** A week's baskets (workflows/week): planning, composition approved, documents printed. */
export const weekMapper: EventMapper = (event, reader) => {
  const input = record(event.args?.[0]);
  switch (event.eventType) {
    case 'WorkflowExecutionStarted':
      return one(
        'week.started',
        'delivery',
        `Préparation de la semaine ${plain(input['week'])} commencée`,
        `Preparation of week ${plain(input['week'])} started`,
      );
    case 'WorkflowExecutionUpdateAccepted':
      return event.name === 'approveComposition'
        ? decisionBy(event, reader, 'week.composition-approved', {
            fr: 'Composition validée',
            en: 'Composition approved',
          })
        : [];
    case 'WorkflowExecutionSignaled':
      if (event.name === 'basketsChanged')
        return one(
          'week.baskets-changed',
          'change',
          `Paniers recalculés : abonnement ${plain(event.args?.[0])} modifié`,
          `Baskets planned again: subscription ${plain(event.args?.[0])} changed`,
        );
      if (event.name === 'gardenChanged')
        return one(
          'week.garden-changed',
          'change',
          'Paniers recalculés : réglages du jardin modifiés',
          "Baskets planned again: the garden's settings changed",
        );
      return [];
    case 'WorkflowExecutionCompleted':
      return one('week.done', 'delivery', 'Semaine terminée', 'Week done');
    default:
      break;
  }
  switch (activityName(event, reader)) {
    case 'summarizeWeek':
      return one(
        'week.planned',
        'delivery',
        'Paniers de la semaine calculés',
        "The week's baskets worked out",
      );
    case 'printWeekDocuments':
      return one(
        'week.documents-printed',
        'delivery',
        "Feuilles d'émargement et liste de récolte imprimées",
        'Depot sheets and harvest list printed',
      );
    case 'remindStaffOfComposition':
      return one(
        'week.composition-reminder',
        'notice',
        "Rappel à l'équipe : composition à valider",
        'Staff reminded: composition to approve',
      );
    default:
      return [];
  }
};

/** A delivery round (workflows/round): routes, approval, drivers, stops. */
export const roundMapper: EventMapper = (event, reader) => {
  const input = record(event.args?.[0]);
  switch (event.eventType) {
    case 'WorkflowExecutionStarted': {
      const day = shortDay(input['date']);
      return one(
        'round.started',
        'delivery',
        `Tournée du ${day.fr} : préparation commencée`,
        `Round of ${day.en}: preparation started`,
      );
    }
    case 'WorkflowExecutionUpdateAccepted':
      if (event.name === 'approveRound')
        return decisionBy(event, reader, 'round.approved', { fr: 'Tournée validée', en: 'Round approved' });
      if (event.name === 'changePins')
        return decisionBy(event, reader, 'round.pins-changed', {
          fr: 'Arrêts déplacés ou épinglés',
          en: 'Stops moved or pinned',
        });
      return [];
    case 'WorkflowExecutionSignaled':
      if (event.name === 'stopMarked') {
        const delivered = input['outcome'] === 'delivered';
        const stop = plain(input['stopId']);
        return delivered
          ? one('round.stop-delivered', 'delivery', `Arrêt ${stop} livré`, `Stop ${stop} delivered`)
          : one('round.stop-missed', 'delivery', `Arrêt ${stop} non livré`, `Stop ${stop} not delivered`);
      }
      if (event.name === 'roundBasketsChanged')
        return one(
          'round.baskets-changed',
          'change',
          'Paniers du jour modifiés : tournée à recalculer',
          "The day's baskets changed: round to plan again",
        );
      return [];
    case 'WorkflowExecutionCompleted':
      return one('round.done', 'delivery', 'Tournée terminée', 'Round done');
    default:
      break;
  }
  switch (activityName(event, reader)) {
    case 'planRound':
      return one('round.planned', 'delivery', 'Itinéraires calculés', 'Routes worked out');
    case 'distributeRound':
      return one(
        'round.distributed',
        'delivery',
        'Tournée envoyée aux chauffeurs',
        'Round sent to the drivers',
      );
    case 'tellMembersTheirWindows':
      return one(
        'round.windows-sent',
        'notice',
        'Créneaux de livraison envoyés aux adhérents',
        'Delivery windows sent to the members',
      );
    case 'tellMemberNotDelivered':
      return one(
        'round.missed-notice',
        'notice',
        "Adhérent prévenu d'un panier non livré",
        'Member told of a basket not delivered',
      );
    case 'remindStaffOfRound':
      return one(
        'round.reminder',
        'notice',
        "Rappel à l'équipe : tournée à valider",
        'Staff reminded: round to approve',
      );
    default:
      return noticeEntry(event, reader);
  }
};

/** An extension's rollouts (workflows/extension-rollout): versions uploaded, checked, approved, rolled back. */
export const extensionMapper: EventMapper = (event, reader) => {
  const input = record(event.args?.[0]);
  const version = plain(input['version']);
  switch (event.eventType) {
    case 'WorkflowExecutionSignaled':
      return event.name === 'versionUploaded'
        ? one('extension.uploaded', 'request', `Version ${version} déposée`, `Version ${version} uploaded`)
        : [];
    case 'WorkflowExecutionUpdateAccepted':
      if (event.name === 'approveVersion')
        return decisionBy(event, reader, 'extension.approved', {
          fr: `Version ${version} approuvée`,
          en: `Version ${version} approved`,
        });
      if (event.name === 'rejectVersion')
        return decisionBy(event, reader, 'extension.rejected', {
          fr: `Version ${version} refusée`,
          en: `Version ${version} rejected`,
        });
      if (event.name === 'rollbackVersion')
        return decisionBy(event, reader, 'extension.rollback-asked', {
          fr: 'Retour à la version précédente demandé',
          en: 'Rollback asked',
        });
      return [];
    default:
      break;
  }
  const name = activityName(event, reader);
  const scheduledVersion = plain(record(reader.scheduled(event)?.args?.[0])['version']);
  switch (name) {
    case 'checkExtensionVersion':
      return one(
        'extension.checked',
        'system',
        `Version ${scheduledVersion} vérifiée`,
        `Version ${scheduledVersion} checked`,
      );
    case 'selfTestExtensionVersion':
      return one(
        'extension.self-tested',
        'system',
        `Tests de la version ${scheduledVersion} passés`,
        `Version ${scheduledVersion}'s tests run`,
      );
    case 'activateExtensionVersion':
      return one(
        'extension.activated',
        'change',
        `Version ${scheduledVersion} activée`,
        `Version ${scheduledVersion} activated`,
      );
    case 'rollbackExtensionVersion':
      return one(
        'extension.rolled-back',
        'change',
        'Version précédente rétablie',
        'Previous version restored',
      );
    case 'endExtensionProbation':
      return one('extension.probation-ended', 'change', "Période d'essai terminée", 'Probation over');
    case 'remindExtensionApproval':
      return one(
        'extension.reminder',
        'notice',
        "Rappel à l'administration : version à approuver",
        'Admins reminded: version to approve',
      );
    default:
      return [];
  }
};

const stepOfActivity: Record<string, ProvisioningStep> = {
  reserveGarden: 'reserve',
  writeGardenDefaults: 'data',
  saveGardenConfiguration: 'configuration',
  createGardenIdentity: 'identity',
  deployGarden: 'deployment',
  scheduleGarden: 'schedules',
  welcomeGarden: 'welcome',
};

/** A garden's creation and retirement (workflows/garden-provisioning). */
export const provisioningMapper: EventMapper = (event, reader) => {
  const input = record(event.args?.[0]);
  switch (event.eventType) {
    case 'WorkflowExecutionStarted': {
      const actor = actorOf(input['by'], 'network-admin');
      const creating = reader.run.workflowType === 'gardenProvisioning';
      return [
        {
          kind: creating ? 'garden.creation-asked' : 'garden.retirement-asked',
          category: 'request',
          text: creating
            ? {
                fr: `Création du jardin demandée ${byWhom(actor).fr}`,
                en: `Garden creation asked ${byWhom(actor).en}`,
              }
            : {
                fr: `Fermeture du jardin demandée ${byWhom(actor).fr}`,
                en: `Garden retirement asked ${byWhom(actor).en}`,
              },
          actor,
        },
      ];
    }
    case 'WorkflowExecutionUpdateAccepted': {
      if (event.name !== 'decideOperation') return [];
      const retry = input['decision'] === 'retry';
      return decisionBy(
        event,
        reader,
        retry ? 'garden.decision.retry' : 'garden.decision.roll-back',
        retry
          ? { fr: "Décision : reprendre l'étape,", en: 'Decision: retry the step,' }
          : { fr: 'Décision : tout annuler,', en: 'Decision: roll back,' },
        'by',
        'network-admin',
      );
    }
    case 'WorkflowExecutionCompleted':
      return reader.run.workflowType === 'gardenProvisioning'
        ? one('garden.created', 'change', 'Jardin créé', 'Garden created')
        : one('garden.retired', 'change', 'Jardin fermé', 'Garden retired');
    default:
      break;
  }
  const name = activityName(event, reader);
  const step = name && Object.hasOwn(stepOfActivity, name) ? stepOfActivity[name] : undefined;
  if (!step) return [];
  const label = provisioningStepLabels[step];
  return one(`garden.step.${step}`, 'system', `Étape faite : ${label.fr}`, `Step done: ${label.en}`);
};

/** The garden's settings told to every running subscription (workflows/garden-settings). */
export const settingsBroadcastMapper: EventMapper = (event) =>
  event.eventType === 'WorkflowExecutionStarted' && !record(event.args?.[0])['remaining']
    ? one(
        'settings.broadcast',
        'change',
        'Réglages du jardin modifiés : les abonnements en cours sont prévenus',
        "The garden's settings changed: running subscriptions are told",
      )
    : [];
