import type { JournalAnswer, StaffActionEntry } from './journal-api.ts';

/** A subscription's journal as the API answers it: an application, then its approval by Claire M. */
export const subscriptionJournal: JournalAnswer = {
  entries: [
    {
      id: 'wf:subscription-s-1:run-2:12',
      at: '2026-12-03T09:12:00.000Z',
      kind: 'subscription.approved',
      category: 'decision',
      text: { fr: 'Validée par Claire M.', en: 'Approved by Claire M.' },
      actor: { id: 'u-claire', name: 'Claire M.', role: 'staff' },
      reason: 'place libre au dépôt',
      changes: [
        { field: 'status', label: { fr: 'Statut', en: 'Status' }, before: 'pending', after: 'active' },
        {
          field: 'waitingList',
          label: { fr: 'Liste d’attente', en: 'Waiting list' },
          before: true,
          after: false,
        },
      ],
      source: {
        type: 'workflow',
        workflowId: 'subscription-s-1',
        runId: 'run-2',
        eventId: 12,
        eventType: 'WorkflowExecutionUpdateAccepted',
        archived: false,
      },
    },
    {
      id: 'wf:subscription-s-1:run-1:1',
      at: '2026-12-01T08:00:00.000Z',
      kind: 'subscription.requested',
      category: 'request',
      text: { fr: 'Demande d’adhésion reçue (en ligne)', en: 'Application received (online)' },
      actor: { id: 'm-1', name: 'Paul R.', role: 'member' },
      source: {
        type: 'workflow',
        workflowId: 'subscription-s-1',
        runId: 'run-1',
        eventId: 1,
        eventType: 'WorkflowExecutionStarted',
        archived: true,
      },
    },
  ],
  processes: [
    {
      workflowId: 'subscription-s-1',
      runIds: ['run-1', 'run-2'],
      temporalUiUrl: 'http://localhost:8233/namespaces/default/workflows/subscription-s-1',
    },
  ],
};

export const depotUpdated: StaffActionEntry = {
  id: 'action:7',
  at: '2026-12-04T15:30:00.000Z',
  kind: 'depot.updated',
  category: 'change',
  text: { fr: 'Dépôt « Biocoop » modifié', en: 'Depot “Biocoop” changed' },
  actor: { id: 'u-admin', name: 'Anne A.', role: 'garden-admin' },
  changes: [
    {
      field: 'openingHours',
      label: { fr: 'Horaires', en: 'Hours' },
      before: '17 h – 19 h',
      after: '16 h – 19 h',
    },
  ],
  source: { type: 'action', seq: 7 },
  origin: { ip: '203.0.113.9', userAgent: 'Firefox 133' },
};
