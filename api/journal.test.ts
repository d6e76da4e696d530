import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeycloakAdminEnvironment, keycloakAdminFrom } from '../adapters/keycloak/keycloak-settings.ts';
import { createKeycloakTeam } from '../adapters/keycloak/keycloak-team.ts';
import { addDays, formatCalendarDay, gardenDay } from '../domain/calendar.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import type { JournalEntry } from '../domain/journal/journal-entry.ts';
import { subscriptionProcessId } from '../domain/process-ids.ts';
import { subscriptionId, type Subscription } from '../domain/subscription.ts';
import {
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from '../workflows/subscription/contract.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import { approveAsStaff, startTestApi, type TestApi } from '../tests/support/api.ts';
import { testEnvironment, testHistoryArchive } from '../tests/support/environment.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { gardenPrefix, gardenScope } from './plugins/garden-scope.ts';
import { journalRoutes } from './routes/journal.ts';

// The test reads today's deliveries once, then acts on them: it starts clear of midnight.
await clearOfMidnight();

interface JournalAnswer {
  entries: JournalEntry[];
  processes: Array<{
    workflowId: string;
    runIds: string[];
    temporalUiUrl?: string;
    runs: Array<{ runId: string; archived: boolean }>;
  }>;
}

const temporalUiUrl = 'http://temporal-ui.test';

/** Waits until `check` answers something, or fails after `ms`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: still not there after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The journal of a subscription's season, through the API against the real workflows: an
 * application, its approval, the member's absence, a pause, a change of basket and a staff
 * cancellation, read back as a timeline in words across a continue-as-new; who may read it;
 * the CSV and PDF files.
 */
describe('the journal of a subscription', () => {
  let api: TestApi;
  let admin: TestAccount;
  let otherAdmin: TestAccount;
  let networkAdmin: TestAccount;
  let id: string;
  let workflowId: string;
  const absentDay = { date: '' };
  /** The journal before the first run was archived and deleted, and that run. */
  let before: JournalAnswer;
  let firstRunId: string;

  const today = gardenDay(new Date());
  const journalUrl = (query = '') => `/api/gardens/${api.gardenId}/journal/subscription/${id}${query}`;

  beforeAll(async () => {
    api = await startTestApi('journal');
    const env = testEnvironment();
    // The route, as the app registers it (until api/app.ts does, the test registers it itself).
    if (!api.app.hasRoute({ method: 'GET', url: `/api${gardenPrefix}/journal/:kind/:id` })) {
      const team = createKeycloakTeam(keycloakAdminFrom(readConfiguration(KeycloakAdminEnvironment, env)));
      await api.app.register(gardenScope, {
        prefix: `/api${gardenPrefix}`,
        routes: async (garden) => {
          await garden.register(journalRoutes, {
            client: api.client,
            temporalUiUrl,
            team,
            archive: testHistoryArchive(),
          });
        },
      });
    }
    const calendar = await api.store.settings.calendar(api.gardenId);
    await api.store.settings.saveCalendar(
      api.gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(today, -60), end: addDays(today, 300) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      calendar.version,
      new Date().toISOString(),
    );
    [admin, otherAdmin, networkAdmin] = await Promise.all([
      createAccount({ role: 'garden-admin', gardenId: api.gardenId, firstName: 'Claire', lastName: 'Morel' }),
      createAccount({ role: 'garden-admin', gardenId: api.otherGardenId }),
      createAccount({ role: 'network-admin' }),
    ]);

    // The application, started as the API starts it, with a short history so that the run
    // continues as new during the season (its test hook, `historyLimit`).
    id = subscriptionId(api.member.id, today);
    workflowId = subscriptionProcessId(api.gardenId, id);
    const input: SubscriptionWorkflowInput = {
      gardenId: api.gardenId,
      subscriptionId: id,
      request: {
        memberId: api.member.id,
        basketSize: 'medium',
        frequency: 'weekly',
        depotId: api.depotId,
        startDate: today,
      },
      requested: {
        by: { userId: api.accounts.staff.userId, name: 'Camille Martin' },
        at: new Date().toISOString(),
      },
      historyLimit: 40,
    };
    const started = await api.client.workflow.start(subscriptionWorkflowType, {
      taskQueue: gardenTaskQueue(api.gardenId),
      workflowId,
      args: [input],
      typedSearchAttributes: [{ key: gardenIdKey, value: api.gardenId }],
    });
    await eventually('the application recorded', () => api.store.subscriptions.get(api.gardenId, id));
    const approved = await approveAsStaff(api, id);
    expect(approved.statusCode, approved.body).toBe(200);
    // The run continues as new once its history is long and it has nothing left to do.
    await eventually('a second run', async () => {
      const described = await api.client.workflow.getHandle(workflowId).describe();
      return described.runId !== started.firstExecutionRunId && described.status.name === 'RUNNING'
        ? described
        : undefined;
    });

    const subscriptionUrl = (action: string) => `/api/gardens/${api.gardenId}/subscriptions/${id}/${action}`;
    // The new run reads the garden's calendar first: until then it knows no delivery.
    const open = await eventually('two deliveries still open', async () => {
      const next = await api.call(
        api.accounts.member,
        'GET',
        `${subscriptionUrl('next-deliveries')}?count=8`,
      );
      expect(next.statusCode, next.body).toBe(200);
      const changeable = next
        .json<Array<{ date: string; changeableUntil: string }>>()
        .filter((delivery) => Date.parse(delivery.changeableUntil) > Date.now() + 3_600_000);
      return changeable.length >= 2 ? changeable : undefined;
    });
    const [absent, paused] = open;
    const steps: Array<[TestAccount, string, unknown]> = [
      [api.accounts.member, 'absences', { dates: [absent!.date] }],
      [api.accounts.staff, 'pause', { from: paused!.date, until: addDays(paused!.date, 14) }],
      [api.accounts.staff, 'changes', { basketSize: 'large' }],
      [api.accounts.staff, 'cancellation', { reason: 'Déménagement hors du secteur' }],
    ];
    for (const [account, action, body] of steps) {
      const answer = await api.call(account, 'POST', subscriptionUrl(action), body);
      expect(answer.statusCode, `${action}: ${answer.body}`).toBe(200);
    }
    const stored = (await api.store.subscriptions.get(api.gardenId, id)) as Subscription;
    expect(stored.cancellation?.origin).toBe('staff');
    Object.assign(absentDay, { date: absent!.date });

    before = (await api.call(admin, 'GET', journalUrl())).json<JournalAnswer>();
    const chain = before.processes.find((process) => process.workflowId === workflowId);
    firstRunId = chain?.runIds[0] ?? '';
    const approval = before.entries.find((entry) => entry.kind === 'subscription.approved');
    expect(approval?.source).toMatchObject({ runId: firstRunId, archived: false });

    // The first run (closed when it continued as new) archived as the archive workflow does,
    // then deleted by the server, as its retention would: asked now, since the server deletes
    // in the background (the last test reads the journal once it is gone).
    const handle = api.client.workflow.getHandle(workflowId, firstRunId);
    const [history, described] = await Promise.all([handle.fetchHistory(), handle.describe()]);
    await testHistoryArchive().write(api.gardenId, {
      workflowId,
      runId: firstRunId,
      workflowType: described.type,
      closeTime: described.closeTime?.toISOString() ?? new Date().toISOString(),
      history: JSON.parse(historyToJSON(history)) as { events: unknown[] },
    });
    await api.client.workflowService.deleteWorkflowExecution({
      namespace: api.client.options.namespace,
      workflowExecution: { workflowId, runId: firstRunId },
    });
  }, 90_000);

  afterAll(async () => {
    await api?.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
    await deleteAccounts([admin, otherAdmin, networkAdmin].filter(Boolean));
    await api?.close();
  });

  it('shows the garden administrator the season as a timeline in words, across the runs of its chain', async () => {
    const answer = await api.call(admin, 'GET', journalUrl());
    expect(answer.statusCode, answer.body).toBe(200);
    const { entries, processes } = answer.json<JournalAnswer>();
    const oldestFirst = [...entries].reverse();
    const people = oldestFirst.filter((entry) => entry.kind.startsWith('subscription.'));
    expect(people.map((entry) => entry.kind)).toEqual([
      'subscription.requested',
      'subscription.approved',
      'subscription.absence-reported',
      'subscription.paused',
      'subscription.terms-changed',
      'subscription.cancelled',
    ]);
    const [requested, approved, absence, pause, change, cancelled] = people;
    const camille = { id: api.accounts.staff.userId, name: 'Camille M.', role: 'staff' };
    expect(requested).toMatchObject({ category: 'request', actor: camille });
    expect(requested!.text.fr).toBe("Demande d'adhésion saisie par Camille M.");
    expect(approved).toMatchObject({ category: 'decision', actor: camille });
    expect(approved!.text.fr).toMatch(/^Validée par Camille M\. le \d{1,2} \S+ à \d{1,2} h \d{2}$/);
    const day = formatCalendarDay(absentDay.date, 'fr', { day: 'numeric', month: 'short' });
    expect(absence!.text.fr).toBe(`Absence signalée pour le ${day} par l'adhérent`);
    expect(absence!.actor).toEqual({ id: api.accounts.member.userId, name: 'Louise M.', role: 'member' });
    expect(pause).toMatchObject({ category: 'change', actor: camille });
    expect(change).toMatchObject({
      actor: camille,
      changes: [{ field: 'basketSize', before: 'medium', after: 'large' }],
    });
    expect(cancelled).toMatchObject({ category: 'decision', reason: 'Déménagement hors du secteur' });
    expect(cancelled!.text).toEqual({
      fr: 'Résilié par Camille M. : « Déménagement hors du secteur »',
      en: 'Cancelled by Camille M.: "Déménagement hors du secteur"',
    });
    // The messages the member was sent are there too, in words.
    expect(entries.some((entry) => entry.kind === 'notice.subscription-approved')).toBe(true);

    // Every run of the chain, each linked to the Temporal UI; entries come from more than one.
    const process = processes.find((candidate) => candidate.workflowId === workflowId);
    expect(process?.runIds.length).toBeGreaterThanOrEqual(2);
    // Under TEMPORAL_UI_URL (the app's, or the test's own when it registers the route).
    const history = `/namespaces/${encodeURIComponent(api.client.options.namespace)}/workflows/${encodeURIComponent(workflowId)}/${process?.runIds.at(-1)}/history`;
    expect(process?.temporalUiUrl).toMatch(/^https?:\/\//);
    expect(process?.temporalUiUrl?.endsWith(history), process?.temporalUiUrl).toBe(true);
    const runsSeen = new Set(
      people.map((entry) => (entry.source.type === 'workflow' ? entry.source.runId : undefined)),
    );
    expect(runsSeen.size).toBeGreaterThanOrEqual(2);

    // Filters: a category, a person.
    const decisions = await api.call(admin, 'GET', journalUrl('?category=decision'));
    expect(
      decisions
        .json<JournalAnswer>()
        .entries.map((entry) => entry.kind)
        .reverse(),
    ).toEqual(['subscription.approved', 'subscription.cancelled']);
    const byMember = await api.call(admin, 'GET', journalUrl(`?actorId=${api.accounts.member.userId}`));
    expect(byMember.json<JournalAnswer>().entries.map((entry) => entry.kind)).toEqual([
      'subscription.absence-reported',
    ]);
  });

  it('is for garden administrators; staff when the garden allows; never members, drivers or another garden', async () => {
    expect((await api.call(api.accounts.staff, 'GET', journalUrl())).statusCode).toBe(403);
    expect((await api.call(api.accounts.member, 'GET', journalUrl())).statusCode).toBe(403);
    expect((await api.call(api.accounts.driver, 'GET', journalUrl())).statusCode).toBe(403);
    expect((await api.call(otherAdmin, 'GET', journalUrl())).statusCode).toBe(404);
    expect((await api.call(api.accounts.otherStaff, 'GET', journalUrl())).statusCode).toBe(404);
    expect((await api.call(undefined, 'GET', journalUrl())).statusCode).toBe(401);

    const rules = await api.store.settings.rules(api.gardenId);
    const { version, ...input } = rules;
    await api.store.settings.saveRules(api.gardenId, { ...input, journalForStaff: true }, version);
    const asStaff = await api.call(api.accounts.staff, 'GET', journalUrl());
    expect(asStaff.statusCode, asStaff.body).toBe(200);
    expect(asStaff.json<JournalAnswer>().entries.length).toBeGreaterThan(5);
    // Still never the member, whatever the rule.
    expect((await api.call(api.accounts.member, 'GET', journalUrl())).statusCode).toBe(403);

    const missing = await api.call(
      admin,
      'GET',
      `/api/gardens/${api.gardenId}/journal/subscription/m-nobody.2026-01-06`,
    );
    expect(missing.statusCode).toBe(404);
  });

  it('is read by a network admin only once they opened the garden, with a reason', async () => {
    for (const format of ['json', 'csv', 'pdf']) {
      const refused = await api.call(networkAdmin, 'GET', journalUrl(`?format=${format}`));
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.body).toContain('Ouvrez d’abord ce jardin depuis la vue d’ensemble du réseau');
      expect(refused.body).not.toContain('Camille');
    }
    const opened = await api.call(networkAdmin, 'POST', `/api/network/gardens/${api.gardenId}/open`, {
      reason: 'Ticket 12 : lecture du journal',
    });
    expect(opened.statusCode, opened.body).toBe(204);
    const answer = await api.call(networkAdmin, 'GET', journalUrl());
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json<JournalAnswer>().entries.some((entry) => entry.kind === 'subscription.approved')).toBe(
      true,
    );
    // Opening this garden opens no other.
    const other = await api.call(
      networkAdmin,
      'GET',
      `/api/gardens/${api.otherGardenId}/journal/garden/${api.otherGardenId}`,
    );
    expect(other.statusCode, other.body).toBe(403);
  });

  it('exports the journal as CSV for French Excel and as a PDF', async () => {
    const csv = await api.call(admin, 'GET', journalUrl('?format=csv&lang=fr'));
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('.csv');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Date;Catégorie;Événement;Par;Rôle;Motif;Modifications;Source');
    expect(
      lines.some((line) => line.includes('Résilié par Camille M. : « Déménagement hors du secteur »')),
    ).toBe(true);

    const pdf = await api.call(admin, 'GET', journalUrl('?format=pdf'));
    expect(pdf.statusCode, pdf.body.slice(0, 200)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
  it("keeps the garden's own journal: its settings changed by an administrator, and their broadcast", async () => {
    const rules = await api.store.settings.rules(api.gardenId);
    const { version, ...input } = rules;
    const saved = await api.call(admin, 'PUT', `/api/gardens/${api.gardenId}/rules`, {
      ...input,
      maxAbsencesPerSeason: input.maxAbsencesPerSeason + 1,
      version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const gardenUrl = `/api/gardens/${api.gardenId}/journal/garden/${api.gardenId}`;
    // The broadcast is found by the list of processes, which follows a moment later.
    const { entries } = await eventually('the change and its broadcast', async () => {
      const answer = (await api.call(admin, 'GET', gardenUrl)).json<JournalAnswer>();
      const kinds = answer.entries.map((entry) => entry.kind);
      return kinds.includes('rules.updated') && kinds.includes('settings.broadcast') ? answer : undefined;
    });
    const change = entries.find((entry) => entry.kind === 'rules.updated');
    expect(change).toMatchObject({ source: { type: 'action' }, actor: { id: admin.userId } });
    expect(change?.changes?.some((item) => item.field.includes('maxAbsencesPerSeason'))).toBe(true);
    expect(entries.find((entry) => entry.kind === 'settings.broadcast')?.source).toMatchObject({
      type: 'workflow',
      workflowId: expect.stringContaining(`${api.gardenId}/settings-broadcast/`),
    });
    // Another garden's journal is not this one's.
    const elsewhere = await api.call(
      admin,
      'GET',
      `/api/gardens/${api.gardenId}/journal/garden/${api.otherGardenId}`,
    );
    expect(elsewhere.statusCode).toBe(404);
  });

  it('survives archiving: a run Temporal deleted is read from the S3 archive', async () => {
    const handle = api.client.workflow.getHandle(workflowId, firstRunId);
    const approval = before.entries.find((entry) => entry.kind === 'subscription.approved');
    // The server deletes in the background: slower when the machine is busy.
    await eventually(
      'the first run deleted',
      () =>
        handle.describe().then(
          () => undefined,
          (error: unknown) => (error instanceof WorkflowNotFoundError ? true : undefined),
        ),
      80_000,
    );

    const after = (await api.call(admin, 'GET', journalUrl())).json<JournalAnswer>();
    // The first run's entries as they were, now read from the archive (the latest run may
    // have sent more messages since).
    const ofFirstRun = (answer: JournalAnswer) =>
      answer.entries.filter((entry) => entry.source.type === 'workflow' && entry.source.runId === firstRunId);
    expect(ofFirstRun(before).length).toBeGreaterThanOrEqual(3);
    expect(ofFirstRun(after).map((entry) => [entry.id, entry.text])).toEqual(
      ofFirstRun(before).map((entry) => [entry.id, entry.text]),
    );
    expect(
      ofFirstRun(after).every((entry) => entry.source.type === 'workflow' && entry.source.archived),
    ).toBe(true);
    expect(after.entries.find((entry) => entry.kind === 'subscription.approved')).toMatchObject({
      text: approval?.text,
      actor: approval?.actor,
      source: { runId: firstRunId, archived: true },
    });
    expect(after.processes.find((process) => process.workflowId === workflowId)?.runs[0]).toMatchObject({
      runId: firstRunId,
      archived: true,
    });
  }, 120_000);
});
