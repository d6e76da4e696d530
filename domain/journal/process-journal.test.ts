import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal-entry.ts';
import type { ProcessEvent, ProcessRun } from './process-events.ts';
import { csvCell, filterJournal, journalCsv } from './process-export.ts';
import { shortName } from './process-journal.ts';
import { actionsNewestFirst, mergeNewestFirst, processJournal } from './process-mappers.ts';

/** A run built event by event: ids and instants in order, activities paired with their completion. */
function runOf(
  workflowType: string,
  workflowId: string,
  runId: string,
  { archived = false, start = '2026-12-03T09:00:00Z' } = {},
) {
  const events: ProcessEvent[] = [];
  let clock = Date.parse(start);
  const add = (event: Omit<ProcessEvent, 'eventId' | 'at'>): number => {
    clock += 60_000;
    const eventId = events.length + 1;
    events.push({ ...event, eventId, at: new Date(clock).toISOString() });
    return eventId;
  };
  const builder = {
    started: (input: unknown) => (
      add({ eventType: 'WorkflowExecutionStarted', name: workflowType, args: [input] }),
      builder
    ),
    activity: (name: string, input: unknown, result?: unknown) => {
      const scheduledEventId = add({ eventType: 'ActivityTaskScheduled', name, args: [input] });
      add({
        eventType: 'ActivityTaskCompleted',
        scheduledEventId,
        ...(result === undefined ? {} : { result }),
      });
      return builder;
    },
    failedActivity: (name: string, input: unknown, message: string) => {
      const scheduledEventId = add({ eventType: 'ActivityTaskScheduled', name, args: [input] });
      add({ eventType: 'ActivityTaskFailed', scheduledEventId, failure: { message } });
      return builder;
    },
    update: (name: string, args: unknown, failed = false) => {
      const updateId = `u-${events.length}`;
      add({ eventType: 'WorkflowExecutionUpdateAccepted', name, args: [args], updateId });
      add({
        eventType: 'WorkflowExecutionUpdateCompleted',
        updateId,
        ...(failed ? { failure: { message: 'handler failed' } } : {}),
      });
      return builder;
    },
    signal: (name: string, args?: unknown) => (
      add({ eventType: 'WorkflowExecutionSignaled', name, ...(args === undefined ? {} : { args: [args] }) }),
      builder
    ),
    completed: (result: unknown) => (add({ eventType: 'WorkflowExecutionCompleted', result }), builder),
    failed: (message: string) => (
      add({ eventType: 'WorkflowExecutionFailed', failure: { message } }),
      builder
    ),
    run: (): ProcessRun => ({ workflowId, runId, workflowType, archived, events }),
  };
  return builder;
}

const claire = { userId: 'u-claire', name: 'Claire Martin' };
const paul = { userId: 'u-paul', name: 'Paul Renard' };
const louise = { userId: 'u-louise', name: 'Louise Michel' };
const subscription = {
  id: 'm-1.2026-12-08',
  gardenId: 'g',
  memberId: 'm-1',
  basketSize: 'medium',
  frequency: 'weekly',
  depotId: 'd-centre',
  startDate: '2026-12-08',
  status: 'pending',
};
const team = new Map([
  ['u-claire', 'staff'],
  ['u-paul', 'garden-admin'],
]);
const notice = (kind: string, data: unknown = {}) => ({
  gardenId: 'g',
  memberId: 'm-1',
  notification: { kind, data },
  idempotencyKey: `k/${kind}`,
});
const oldestFirst = (entries: JournalEntry[]) => [...entries].reverse();
// Amounts are written with Intl's narrow no-break spaces: read as plain spaces here.
const words = (entries: JournalEntry[]) =>
  oldestFirst(entries).map((entry) => entry.text.fr.replace(/[\u202f\u00a0]/g, ' '));

describe('the journal of a subscription', () => {
  it('says an online application, its approval, absences, a pause, changes and the end in the garden’s words', () => {
    const first = runOf('subscriptionWorkflow', 'g/subscription/m-1.2026-12-08', 'run-1')
      .started({
        gardenId: 'g',
        subscriptionId: subscription.id,
        request: {},
        requested: { by: louise, at: '2026-12-03T09:00:00Z' },
        acknowledge: true,
      })
      .activity('loadGardenSnapshot', 'g', { calendar: {} })
      .activity('recordSubscription', subscription)
      .activity('notifyMember', notice('application-received'), { status: 'sent', channels: ['email'] })
      // Rejected by its validator: never in the history. Accepted then failed: left out.
      .update('decide', { input: { decision: 'reject', reason: 'trop tard' }, actor: paul }, true)
      .update('decide', { input: { decision: 'approve' }, actor: claire })
      .activity('recordSubscription', { ...subscription, status: 'active' })
      .activity('notifyMember', notice('subscription-approved'), { status: 'sent', channels: ['email'] })
      .run();
    const second = runOf('subscriptionWorkflow', 'g/subscription/m-1.2026-12-08', 'run-2', {
      start: '2026-12-10T09:00:00Z',
    })
      .started({
        gardenId: 'g',
        subscriptionId: subscription.id,
        carried: { subscription: { ...subscription, status: 'active' } },
      })
      .update('reportAbsences', { dates: ['2026-12-15'], actor: louise })
      .activity('recordSubscription', { ...subscription, status: 'active', absences: [{}] })
      .activity('notifyMember', notice('delivery-reminder', { date: '2026-12-22' }), {
        status: 'sent',
        channels: ['sms'],
      })
      .update('changeTerms', { depotId: 'd-jeudi', basketSize: 'large', actor: louise })
      .activity('recordSubscription', {
        ...subscription,
        status: 'active',
        depotId: 'd-jeudi',
        basketSize: 'large',
      })
      .update('pause', { from: '2027-01-05', until: '2027-01-19', actor: claire })
      .activity('recordSubscription', {
        ...subscription,
        status: 'paused',
        depotId: 'd-jeudi',
        basketSize: 'large',
      })
      .activity('recordSubscription', {
        ...subscription,
        status: 'active',
        depotId: 'd-jeudi',
        basketSize: 'large',
      })
      .update('cancel', { origin: 'member', actor: louise })
      .activity('recordSubscription', {
        ...subscription,
        status: 'active',
        depotId: 'd-jeudi',
        basketSize: 'large',
      })
      // The notice's days later, time ends it (the garden's settings read again meanwhile).
      .signal('gardenSettingsChanged')
      .activity('recordSubscription', {
        ...subscription,
        status: 'cancelled',
        depotId: 'd-jeudi',
        basketSize: 'large',
      })
      .run();
    const entries = processJournal([[first, second]], {
      team,
      depotNames: { 'd-centre': 'Centre', 'd-jeudi': 'Saint-Vit' },
    });
    expect(words(entries)).toEqual([
      "Demande d'adhésion reçue (en ligne)",
      'Message « Demande reçue » envoyé par e-mail',
      'Validée par Claire M. le 3 déc. à 10 h 10',
      'Message « Abonnement validé » envoyé par e-mail',
      "Absence signalée pour le 15 déc. par l'adhérent",
      'Rappel de livraison du 22 déc. envoyé par SMS',
      "Changement demandé par l'adhérent : dépôt Centre → Saint-Vit, Panier moyen → Grand panier",
      'Pause à partir du 5 janv., reprise le 19 janv., demandée par Claire M.',
      // What time did, no person: the break's end.
      'Fin de la pause : les livraisons reprennent',
      "Résilié en ligne par l'adhérent",
      'Résiliation effective',
    ]);
    const byKind = new Map(entries.map((entry) => [entry.kind, entry]));
    expect(byKind.get('subscription.approved')).toMatchObject({
      category: 'decision',
      actor: { id: 'u-claire', name: 'Claire M.', role: 'staff' },
      source: {
        type: 'workflow',
        workflowId: 'g/subscription/m-1.2026-12-08',
        runId: 'run-1',
        archived: false,
      },
    });
    expect(byKind.get('subscription.absence-reported')?.actor).toEqual({
      id: 'u-louise',
      name: 'Louise M.',
      role: 'member',
    });
    expect(byKind.get('subscription.terms-changed')?.changes).toEqual([
      { field: 'depotId', label: { fr: 'Dépôt', en: 'Depot' }, before: 'Centre', after: 'Saint-Vit' },
      {
        field: 'basketSize',
        label: { fr: 'Taille du panier', en: 'Basket size' },
        before: 'medium',
        after: 'large',
      },
    ]);
    expect(byKind.get('subscription.approved')?.text.en).toBe('Approved by Claire M. on 3 Dec at 10:10');
    // Newest first, ids stable per event.
    expect(entries[0]?.kind).toBe('subscription.cancellation-effective');
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
    expect(entries.every((entry) => entry.id.startsWith('wf:g/subscription/m-1.2026-12-08:run-'))).toBe(true);
  });

  it('says a staff application, a rejection with its reason, and an unsent message', () => {
    const run = runOf('subscriptionWorkflow', 'g/subscription/s', 'r')
      .started({ requested: { by: claire, at: '2026-12-03T09:00:00Z' } })
      .update('decide', { input: { decision: 'reject', reason: 'Dépôt complet' }, actor: paul })
      .failedActivity('notifyMember', notice('subscription-rejected'), 'SES unavailable')
      .activity('notifyMember', notice('subscription-rejected'), { status: 'skipped', channels: [] })
      .activity('notifyMember', notice('subscription-rejected'), { status: 'duplicate', channels: ['email'] })
      .run();
    const entries = processJournal([[run]], { team, timeZone: 'Europe/Paris' });
    expect(words(entries)).toEqual([
      "Demande d'adhésion saisie par Claire M.",
      'Refusée par Paul R. le 3 déc. à 10 h 02 : « Dépôt complet »',
      "Message « Abonnement refusé » : échec de l'envoi",
      "Message « Abonnement refusé » non envoyé : l'adhérent ne peut pas être joint (préférences ou coordonnées)",
    ]);
    expect(entries.find((entry) => entry.kind === 'subscription.rejected')).toMatchObject({
      reason: 'Dépôt complet',
      actor: { role: 'garden-admin' },
    });
  });

  it('says deliveries suspended for an unpaid invoice, by whose decision, and resumed once it is settled', () => {
    const run = runOf('subscriptionWorkflow', 'g/subscription/s', 'r')
      .started({ carried: { subscription } })
      .activity('recordSubscription', { ...subscription, status: 'active' })
      .signal('suspendDeliveries', {
        invoiceNumber: 12,
        invoiceLabel: 'Facture F-12',
        amount: 4200,
        reason: 'trois relances sans réponse',
        decided: { by: paul, at: '2026-12-03T09:00:00Z' },
      })
      .activity('recordSubscription', { ...subscription, status: 'active', suspension: {} })
      .signal('resumeDeliveries', { invoiceNumber: 12, invoiceLabel: 'Facture F-12', writtenOff: true })
      .activity('recordSubscription', { ...subscription, status: 'active' })
      .run();
    const entries = processJournal([[run]], { team });
    expect(words(entries)).toEqual([
      'Livraisons suspendues (Facture F-12 impayée), décision par Paul R. : « trois relances sans réponse »',
      'Livraisons reprises : Facture F-12 passée en perte',
    ]);
    expect(entries.at(-1)).toMatchObject({
      kind: 'subscription.deliveries-suspended',
      category: 'decision',
      reason: 'trois relances sans réponse',
      actor: { id: 'u-paul', role: 'garden-admin' },
    });
  });

  it('keeps names as they were typed: markup in a name is text, never read', () => {
    const run = runOf('subscriptionWorkflow', 'g/subscription/s', 'r')
      .started({
        requested: {
          by: { userId: 'u-x', name: '<img src=x onerror=alert(1)> Dupont' },
          at: '2026-12-03T09:00:00Z',
        },
      })
      .run();
    const [entry] = processJournal([[run]]);
    expect(entry?.actor?.name).toBe('<img src=x onerror=alert(1)> D.');
    expect(entry?.text.fr).toBe("Demande d'adhésion saisie par <img src=x onerror=alert(1)> D.");
  });
});

describe('the journal of an invoice’s collection', () => {
  it('says the charges, refusals, numbered reminders and the staff decision with its reason', () => {
    const charge = (attempt: number) => ({
      gardenId: 'g',
      invoiceNumber: 12,
      attempt,
      workflowId: 'g/invoice/12',
      fixed: { amount: 4200 },
    });
    const failedNotice = notice('payment-failed', { invoiceLabel: 'F-12', amount: 4200 });
    const run = runOf('invoicePayment', 'g/invoice/12', 'r')
      .started({ gardenId: 'g', invoiceNumber: 12, memberId: 'm-1' })
      .activity(
        'invoiceForCollection',
        { gardenId: 'g', invoiceNumber: 12 },
        { label: 'F-12', paymentMethod: { kind: 'sepa' } },
      )
      .activity('chargeInvoice', charge(1), { status: 'processing', paymentIntentId: 'pi_1' })
      .signal('stripePaymentEvent', { type: 'payment_intent.payment_failed' })
      .activity(
        'describeFailure',
        { code: 'insufficient_funds', kind: 'sepa' },
        { fr: 'Provision insuffisante.', en: 'Insufficient funds.' },
      )
      .activity('notifyMember', failedNotice, { status: 'sent', channels: ['email'] })
      .activity('chargeInvoice', charge(2), {
        status: 'failed',
        reason: {
          fr: 'Le prélèvement a été rejeté : le compte du mandat est clos. Enregistrez un autre compte.',
          en: 'The direct debit was rejected: the mandate’s account is closed. Save another account.',
        },
      })
      .activity('notifyMember', failedNotice, { status: 'sent', channels: ['email', 'sms'] })
      .update('paymentDecision', { decision: 'retry', reason: 'appel, paiera vendredi', actor: paul })
      .activity('chargeInvoice', charge(3), { status: 'succeeded' })
      .completed({ phase: 'paid', attempts: [] })
      .run();
    const entries = processJournal([[run]], { team });
    expect(words(entries)).toEqual([
      'Recouvrement de la facture 12 commencé',
      'Prélèvement de 42,00 € envoyé à la banque (tentative 1)',
      'Prélèvement refusé : provision insuffisante',
      'Relance 1 envoyée (e-mail)',
      'Prélèvement refusé : le compte du mandat est clos',
      'Relance 2 envoyée (e-mail et SMS)',
      'Décision : nouvel essai, par Paul R. : « appel, paiera vendredi »',
      'Paiement accepté : 42,00 € (tentative 3)',
      'Facture réglée',
    ]);
    expect(entries.find((entry) => entry.kind === 'payment.decision.retry')).toMatchObject({
      category: 'decision',
      reason: 'appel, paiera vendredi',
      actor: { id: 'u-paul', name: 'Paul R.', role: 'garden-admin' },
    });
    expect(entries.find((entry) => entry.kind === 'payment.decision.retry')?.text.en).toBe(
      'Decision: try again, by Paul R.: "appel, paiera vendredi"',
    );
  });

  it('says a manual payment and a write-off, and a step that failed for good as a system entry', () => {
    const run = runOf('invoicePayment', 'g/invoice/7', 'r')
      .started({ gardenId: 'g', invoiceNumber: 7, carried: { phase: 'awaiting-decision', attempts: [] } })
      .update('paymentDecision', {
        decision: 'manual',
        reason: 'chèque reçu',
        actor: claire,
        payment: { method: 'cheque', amount: 1500 },
      })
      .activity('recordManualPayment', { payment: { method: 'cheque', amount: 1500 }, actor: claire }, 3)
      .update('paymentDecision', {
        decision: 'write-off',
        reason: 'parti sans laisser d’adresse',
        actor: paul,
      })
      .failedActivity('writeOffInvoice', { actor: paul, reason: 'parti' }, 'store down')
      .activity('writeOffInvoice', { actor: paul, reason: 'parti' })
      .failed('bug')
      .run();
    const entries = processJournal([[run]]);
    expect(words(entries)).toEqual([
      'Décision : paiement reçu, par Claire M. : « chèque reçu »',
      'Paiement enregistré : 15,00 € par chèque, par Claire M.',
      'Décision : passer en perte, par Paul R. : « parti sans laisser d’adresse »',
      'Étape en échec (writeOffInvoice) : store down',
      'Facture passée en perte par Paul R.',
      "Le processus s'est arrêté sur une erreur : bug",
    ]);
    expect(
      entries
        .filter((entry) => entry.category === 'system')
        .map((entry) => entry.kind)
        .sort(),
    ).toEqual(['process.failed', 'process.step-failed']);
  });
});

describe('the other processes', () => {
  it('say a week, a round, an extension rollout and a garden’s creation in words', () => {
    const week = runOf('weekPreparation', 'g/week/2026-W50', 'w')
      .started({ gardenId: 'g', week: '2026-W50' })
      .activity('planWeekBaskets', {})
      .activity('summarizeWeek', {})
      .update('approveComposition', { actor: claire })
      .activity('printWeekDocuments', {})
      .run();
    const round = runOf('deliveryRound', 'g/round/2026-12-08', 'r')
      .started({ gardenId: 'g', date: '2026-12-08' })
      .activity('planRound', {})
      .update('approveRound', { actor: claire, revision: 1 })
      .activity('distributeRound', {})
      .signal('stopMarked', { markId: 'x', stopId: 'st-1', outcome: 'not-delivered' })
      .run();
    const extension = runOf('extensionRollout', 'g/extension/quotient', 'e')
      .started({ gardenId: 'g', name: 'quotient' })
      .signal('versionUploaded', { version: '1.2.0' })
      .activity('checkExtensionVersion', { version: '1.2.0' })
      .update('rejectVersion', { actor: paul, version: '1.2.0', reason: 'tarifs faux' })
      .run();
    const creation = runOf('gardenProvisioning', 'network/garden-provisioning/g', 'p')
      .started({ request: {}, by: { userId: 'u-net', name: 'Nadia Réseau' } })
      .activity('reserveGarden', {})
      .update('decideOperation', { decision: 'retry', by: { userId: 'u-net', name: 'Nadia Réseau' } })
      .completed({})
      .run();
    expect(words(processJournal([[week]], { team }))).toEqual([
      'Préparation de la semaine 2026-W50 commencée',
      'Paniers de la semaine calculés',
      'Composition validée par Claire M.',
      "Feuilles d'émargement et liste de récolte imprimées",
    ]);
    expect(words(processJournal([[round]], { team }))).toEqual([
      'Tournée du 8 déc. : préparation commencée',
      'Itinéraires calculés',
      'Tournée validée par Claire M.',
      'Tournée envoyée aux chauffeurs',
      'Arrêt st-1 non livré',
    ]);
    expect(words(processJournal([[extension]], { team }))).toEqual([
      'Version 1.2.0 déposée',
      'Version 1.2.0 vérifiée',
      'Version 1.2.0 refusée par Paul R. : « tarifs faux »',
    ]);
    const garden = processJournal([[creation]]);
    expect(words(garden)).toEqual([
      'Création du jardin demandée par Nadia R.',
      'Étape faite : Réserver l’identifiant du jardin',
      "Décision : reprendre l'étape, par Nadia R.",
      'Jardin créé',
    ]);
    expect(garden.find((entry) => entry.kind === 'garden.decision.retry')?.actor?.role).toBe('network-admin');
  });

  it('skips the events and workflow types it has no words for, and marks archived runs', () => {
    const unknown = runOf('somethingNew', 'g/x/1', 'r').started({}).activity('doIt', {}).run();
    expect(processJournal([[unknown]])).toEqual([]);
    const archived = runOf('weekPreparation', 'g/week/2026-W01', 'old', { archived: true })
      .started({ week: '2026-W01' })
      .run();
    expect(processJournal([[archived]])[0]?.source).toMatchObject({ archived: true, runId: 'old' });
  });
});

describe('the order of a journal', () => {
  it('keeps the entries of one instant latest first, merged with staff actions, without reversing them', () => {
    const run = runOf('subscriptionWorkflow', 'g/subscription/s', 'r')
      .started({ requested: { by: louise, at: '' }, acknowledge: true })
      .update('decide', { input: { decision: 'approve' }, actor: claire })
      .activity('notifyMember', notice('subscription-approved'), { status: 'sent', channels: ['email'] })
      .run();
    // One workflow task: the approval and the message it sends share their instant (the
    // message's completion written with fewer digits, as another source may).
    for (const event of run.events.slice(1)) event.at = '2026-12-03T09:10:00.000Z';
    run.events.at(-1)!.at = '2026-12-03T09:10:00Z';
    const processes = processJournal([[run]], { team });
    expect(processes.map((entry) => entry.kind)).toEqual([
      'notice.subscription-approved',
      'subscription.approved',
      'subscription.requested',
    ]);
    const action = (seq: number, at: string): JournalEntry => ({
      id: `action:${seq}`,
      at,
      kind: 'depot.updated',
      category: 'change',
      text: { fr: `action ${seq}`, en: `action ${seq}` },
      source: { type: 'action', seq },
    });
    const actions = actionsNewestFirst([
      action(7, '2026-12-03T09:10:00.000Z'),
      action(9, '2026-12-03T09:30:00.000Z'),
      action(8, '2026-12-03T09:10:00Z'),
      action(3, '2026-12-03T08:00:00.000Z'),
    ]);
    expect(actions.map((entry) => entry.id)).toEqual(['action:9', 'action:8', 'action:7', 'action:3']);
    const merged = mergeNewestFirst(processes, actions);
    expect(merged.map((entry) => entry.id.replace(/^wf:g\/subscription\/s:r:/, 'event '))).toEqual([
      'action:9',
      'event 5',
      'event 2',
      'action:8',
      'action:7',
      'event 1',
      'action:3',
    ]);
    // Merging again (or merging an already merged journal) changes nothing.
    expect(mergeNewestFirst(merged, [])).toEqual(merged);
  });
});

describe('names, filters and the CSV', () => {
  it('shortens names as « Claire M. »', () => {
    expect(shortName('Claire Martin')).toBe('Claire M.');
    expect(shortName('  Jean-Pierre   de la Tour ')).toBe('Jean-Pierre de la T.');
    expect(shortName('Cher')).toBe('Cher');
    expect(shortName('Élise émond')).toBe('Élise É.');
  });

  it('filters by period (days inclusive), category and person', () => {
    const run = runOf('subscriptionWorkflow', 'g/subscription/s', 'r')
      .started({ requested: { by: claire, at: '' } })
      .update('decide', { input: { decision: 'approve' }, actor: paul })
      .run();
    const entries = processJournal([[run]]);
    expect(filterJournal(entries, { category: 'decision' }).map((entry) => entry.kind)).toEqual([
      'subscription.approved',
    ]);
    expect(filterJournal(entries, { actorId: 'u-claire' }).map((entry) => entry.kind)).toEqual([
      'subscription.requested',
    ]);
    expect(filterJournal(entries, { from: '2026-12-03', to: '2026-12-03' })).toHaveLength(2);
    expect(filterJournal(entries, { to: '2026-12-02' })).toHaveLength(0);
    expect(filterJournal(entries, { from: '2026-12-03T09:01:30Z' })).toHaveLength(1);
  });

  it('compares instants as instants, and reads a day as a day in the garden (its whole day for `to`)', () => {
    const at = (instant: string): JournalEntry => ({
      id: instant,
      at: instant,
      kind: 'depot.updated',
      category: 'change',
      text: { fr: instant, en: instant },
      source: { type: 'action', seq: 1 },
    });
    const entries = [
      // 00:30 on 4 December in Paris: the hour after midnight, still 3 December in UTC.
      at('2026-12-03T23:30:00.000Z'),
      at('2026-12-03T10:12:30.000Z'),
      at('2026-12-03T10:12:00Z'),
      // Midnight on 3 December in Paris.
      at('2026-12-02T23:00:00.000Z'),
      at('2026-12-02T22:59:59.999Z'),
    ];
    const kept = (filter: Parameters<typeof filterJournal>[1]) =>
      filterJournal(entries, filter).map((entry) => entry.at);
    expect(kept({ from: '2026-12-03T10:12Z' })).toEqual([
      '2026-12-03T23:30:00.000Z',
      '2026-12-03T10:12:30.000Z',
      '2026-12-03T10:12:00Z',
    ]);
    expect(kept({ to: '2026-12-03T10:12Z' })).toEqual([
      '2026-12-03T10:12:00Z',
      '2026-12-02T23:00:00.000Z',
      '2026-12-02T22:59:59.999Z',
    ]);
    expect(kept({ from: '2026-12-03T10:12:30.000Z', to: '2026-12-03T10:12:30Z' })).toEqual([
      '2026-12-03T10:12:30.000Z',
    ]);
    // Days in Paris: 3 December runs from 23:00 UTC the day before to 22:59:59.999 UTC.
    expect(kept({ from: '2026-12-03', to: '2026-12-03' })).toEqual([
      '2026-12-03T10:12:30.000Z',
      '2026-12-03T10:12:00Z',
      '2026-12-02T23:00:00.000Z',
    ]);
    expect(kept({ from: '2026-12-04' })).toEqual(['2026-12-03T23:30:00.000Z']);
    expect(kept({ to: '2026-12-02' })).toEqual(['2026-12-02T22:59:59.999Z']);
    // Another garden's time zone.
    expect(kept({ from: '2026-12-03', to: '2026-12-03', timeZone: 'UTC' })).toEqual([
      '2026-12-03T23:30:00.000Z',
      '2026-12-03T10:12:30.000Z',
      '2026-12-03T10:12:00Z',
    ]);
    expect(() => kept({ from: '2026-13-03T10:12Z' })).toThrow(/Not a valid date/);
  });

  it('writes CSV for French Excel: BOM, semicolons, CRLF, and no cell run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+33 6')).toBe("'+33 6");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('Claire M.')).toBe('Claire M.');
    const run = runOf('subscriptionWorkflow', 'g/subscription/s', 'r')
      .started({ requested: { by: { userId: 'u', name: '=cmd|calc Dupont' }, at: '' } })
      .run();
    const csv = journalCsv(processJournal([[run]]), 'fr', 'Europe/Paris');
    expect(csv.startsWith('\uFEFFDate;Catégorie;Événement;Par;Rôle;Motif;Modifications;Source\r\n')).toBe(
      true,
    );
    const [, line] = csv.slice(1).split('\r\n');
    expect(line).toBe(
      "03/12/2026 10:01;Demande;Demande d'adhésion saisie par =cmd|calc D.;'=cmd|calc D.;Équipe;;;g/subscription/s r #1 WorkflowExecutionStarted",
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
