import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invoiceDocumentKey } from '../adapters/store/documents.ts';
import type { InvoiceView, MemberBilling } from '../domain/billing-views.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { Invoice } from '../domain/invoices.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { testDocuments } from '../tests/support/environment.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// Today and last month are read once: start clear of the garden's midnight.
await clearOfMidnight();

/** A small but real PDF: what the billing run prints. */
const tinyPdf = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** Invoices read by staff and their member, their PDF, manual payments and staff decisions. */
describe('invoices', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  let neighbour: string;

  beforeAll(async () => {
    api = await startTestApi('invoices');
    neighbour = (await api.createMember({ firstName: 'Henri', lastName: 'Voisin' })).id;
  });
  afterAll(() => api?.close());

  const gardenUrl = (suffix: string) => `/api/gardens/${api.gardenId}${suffix}`;
  let sources = 0;

  async function issue(
    memberId: string,
    total: number,
    dueOn: string,
    subject = 'Paniers du mois',
  ): Promise<Invoice> {
    sources += 1;
    return api.store.invoices.issue(
      {
        gardenId: api.gardenId,
        memberId,
        subject,
        issuedOn: addDays(dueOn, -10),
        dueOn,
        lines: [{ label: 'Panier moyen', quantity: total / 1000, unitPrice: 1000, amount: total }],
        total,
      },
      `test/${memberId}/${sources}`,
    );
  }

  async function invoice(number: number): Promise<InvoiceView> {
    const response = await api.call(api.accounts.staff, 'GET', gardenUrl(`/invoices/${number}`));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<InvoiceView>();
  }

  async function billing(memberId: string): Promise<MemberBilling> {
    const response = await api.call(api.accounts.staff, 'GET', gardenUrl(`/members/${memberId}/billing`));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<MemberBilling>();
  }

  const pay = (
    number: number,
    body: unknown,
    account = api.accounts.staff,
    headers: Record<string, string> = {},
  ) => api.call(account, 'POST', gardenUrl(`/invoices/${number}/payments`), body, headers);

  it("shows a household's balance and invoices to staff and to the member themself only", async () => {
    const late = await issue(api.member.id, 5000, addDays(today, -5), 'Paniers du mois dernier');
    const coming = await issue(api.member.id, 3000, addDays(today, 10));
    await issue(neighbour, 4200, addDays(today, -1));

    const staffView = await billing(api.member.id);
    expect(staffView.balance).toEqual({ due: 8000, overdue: 5000 });
    expect(staffView.invoices.map((entry) => entry.number)).toEqual([coming.number, late.number]);
    expect(staffView.invoices[1]).toEqual({
      number: late.number,
      label: `F-${String(late.number).padStart(6, '0')}`,
      memberId: api.member.id,
      subject: 'Paniers du mois dernier',
      issuedOn: addDays(today, -15),
      dueOn: addDays(today, -5),
      lines: late.lines,
      total: 5000,
      paid: 0,
      outstanding: 5000,
      status: 'open',
      payments: [],
      hasDocument: false,
      // No card or mandate saved: nobody will charge it.
      nextStep: { step: 'awaiting-payment' },
    });

    const own = await api.call(api.accounts.member, 'GET', gardenUrl(`/members/${api.member.id}/billing`));
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toEqual(staffView);

    // Another household's billing reads as a missing one; another garden is refused.
    for (const [account, memberId, status] of [
      [api.accounts.member, neighbour, 404],
      [api.accounts.driver, api.member.id, 404],
      [api.accounts.otherStaff, api.member.id, 403],
    ] as const) {
      const response = await api.call(account, 'GET', gardenUrl(`/members/${memberId}/billing`));
      expect(response.statusCode, response.body).toBe(status);
    }
    const unknown = await api.call(api.accounts.staff, 'GET', gardenUrl('/members/m-personne/billing'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ message: 'Adhérent introuvable.' });
  });

  it('lists invoices by status for staff, and shows one to staff or its member', async () => {
    const open = await api.call(api.accounts.staff, 'GET', gardenUrl('/invoices?status=open'));
    expect(open.statusCode, open.body).toBe(200);
    const listed = open.json<InvoiceView[]>();
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(listed.every((entry) => entry.status === 'open')).toBe(true);
    expect(listed.map((entry) => entry.number)).toEqual(
      [...listed.map((entry) => entry.number)].sort((a, b) => b - a),
    );
    expect(listed.find((entry) => entry.memberId === neighbour)?.memberName).toBe('Henri Voisin');
    const paid = await api.call(api.accounts.staff, 'GET', gardenUrl('/invoices?status=paid'));
    expect(paid.json()).toEqual([]);
    const wrong = await api.call(api.accounts.staff, 'GET', gardenUrl('/invoices?status=perdue'));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({
      message: expect.stringContaining("« Statut » doit être l'une de ces valeurs"),
    });
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      expect((await api.call(account, 'GET', gardenUrl('/invoices'))).statusCode).toBe(403);
    }

    const mine = listed.find((entry) => entry.memberId === api.member.id);
    const theirs = listed.find((entry) => entry.memberId === neighbour);
    if (!mine || !theirs) throw new Error('invoices missing');
    expect(await invoice(mine.number)).toMatchObject({ number: mine.number, memberName: 'Louise Michel' });
    const own = await api.call(api.accounts.member, 'GET', gardenUrl(`/invoices/${mine.number}`));
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ number: mine.number, total: mine.total });
    const other = await api.call(api.accounts.member, 'GET', gardenUrl(`/invoices/${theirs.number}`));
    expect(other.statusCode).toBe(404);
    const missing = await api.call(api.accounts.staff, 'GET', gardenUrl('/invoices/999999'));
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: 'Facture F-999999 introuvable.' });
  });

  it('serves the printed PDF as a download to staff and its member; not before it is printed', async () => {
    const printed = await issue(api.member.id, 1700, addDays(today, 20));
    const theirs = await issue(neighbour, 1700, addDays(today, 20));
    const url = gardenUrl(`/invoices/${printed.number}/document`);

    const early = await api.call(api.accounts.member, 'GET', url);
    expect(early.statusCode, early.body).toBe(404);
    expect(early.json()).toMatchObject({
      error: 'not_found',
      message: `La facture F-${String(printed.number).padStart(6, '0')} n'est pas encore imprimée : réessayez dans quelques minutes.`,
    });

    const documents = testDocuments();
    for (const number of [printed.number, theirs.number]) {
      await documents.put(invoiceDocumentKey(api.gardenId, number), tinyPdf, 'application/pdf');
      await api.store.invoices.setDocument(api.gardenId, number, invoiceDocumentKey(api.gardenId, number));
    }

    for (const account of [api.accounts.staff, api.accounts.member]) {
      const response = await api.call(account, 'GET', url);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="F-${String(printed.number).padStart(6, '0')}.pdf"`,
      );
      expect(response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(response.rawPayload.length).toBe(tinyPdf.length);
    }
    expect(
      (await billing(api.member.id)).invoices.find((entry) => entry.number === printed.number)?.hasDocument,
    ).toBe(true);
    // Not someone else's, nor from another garden or a driver.
    const other = await api.call(
      api.accounts.member,
      'GET',
      gardenUrl(`/invoices/${theirs.number}/document`),
    );
    expect(other.statusCode).toBe(404);
    expect((await api.call(api.accounts.driver, 'GET', url)).statusCode).toBe(404);
    expect((await api.call(api.accounts.otherStaff, 'GET', url)).statusCode).toBe(403);
  });

  it('records a partial cheque then cash up to the total; the balance follows and the workflow is told', async () => {
    const member = await api.createMember({ firstName: 'Olympe', lastName: 'de Gouges' });
    const open = await issue(member.id, 4500, addDays(today, -3));
    const told = vi.spyOn(api.app.payments.collection, 'paymentRecorded');
    try {
      const cheque = await pay(open.number, {
        method: 'cheque',
        amount: 2000,
        receivedOn: today,
        reference: ' 0001234 ',
        bank: 'Crédit Agricole',
      });
      expect(cheque.statusCode, cheque.body).toBe(201);
      expect(cheque.json()).toMatchObject({
        number: open.number,
        paid: 2000,
        outstanding: 2500,
        status: 'open',
      });
      expect(cheque.json<InvoiceView>().payments).toEqual([
        {
          id: expect.stringMatching(/^p-/),
          method: 'cheque',
          amount: 2000,
          receivedOn: today,
          reference: '0001234',
          bank: 'Crédit Agricole',
          recorded: { by: { userId: expect.any(String), name: 'Camille Martin' }, at: expect.any(String) },
        },
      ]);
      expect(told).toHaveBeenCalledWith(api.gardenId, open.number);
      expect((await billing(member.id)).balance).toEqual({ due: 2500, overdue: 2500 });

      const cash = await pay(open.number, { method: 'cash', amount: 2500, receivedOn: today });
      expect(cash.statusCode, cash.body).toBe(201);
      expect(cash.json()).toMatchObject({ paid: 4500, outstanding: 0, status: 'paid' });
      expect(told).toHaveBeenCalledTimes(2);
      const after = await billing(member.id);
      expect(after.balance).toEqual({ due: 0, overdue: 0 });
      expect(after.invoices[0]).toMatchObject({ status: 'paid', paid: 4500 });

      // Nothing more to pay on a settled invoice.
      const again = await pay(open.number, { method: 'cash', amount: 100, receivedOn: today });
      expect(again.statusCode).toBe(422);
      expect(again.json()).toMatchObject({
        error: 'refused',
        message: 'Cette facture est déjà soldée : aucun paiement à enregistrer.',
      });
      expect(told).toHaveBeenCalledTimes(2);
    } finally {
      told.mockRestore();
    }
  });

  it('records a payment sent twice with the same idempotency key once', async () => {
    const member = await api.createMember({ firstName: 'Jean', lastName: 'Jaurès' });
    const open = await issue(member.id, 3000, addDays(today, 5));
    const body = { method: 'transfer', amount: 1000, receivedOn: today, reference: 'VIR-2026-11' };
    const headers = { 'idempotency-key': 'dialog-7f3a9c21' };
    const first = await pay(open.number, body, api.accounts.staff, headers);
    const second = await pay(open.number, body, api.accounts.staff, headers);
    expect(first.statusCode, first.body).toBe(201);
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json<InvoiceView>().payments).toHaveLength(1);
    expect((await api.store.invoices.get(api.gardenId, open.number))?.payments).toHaveLength(1);
    expect((await invoice(open.number)).outstanding).toBe(2000);
  });

  it('refuses payments that are wrong, too large or not staff’s to record, changing nothing', async () => {
    const member = await api.createMember({ firstName: 'Louise', lastName: 'Weiss' });
    const open = await issue(member.id, 2000, addDays(today, 5));
    const refusals: Array<[unknown, number, string, string?]> = [
      [
        { method: 'cash', amount: 2001, receivedOn: today },
        422,
        'Le montant dépasse ce qui reste dû (20,00\u00a0€).',
        'amount',
      ],
      [
        { method: 'cheque', amount: 500, receivedOn: today },
        422,
        'Indiquez le numéro du chèque.',
        'reference',
      ],
      [
        { method: 'cheque', amount: 500, receivedOn: today, reference: '  ' },
        422,
        'Indiquez le numéro du chèque.',
      ],
      [{ method: 'cash', amount: 0, receivedOn: today }, 400, '« Montant » doit être au moins 1.', 'amount'],
      [{ method: 'cash', amount: 12.5, receivedOn: today }, 400, "« Montant » n'est pas du bon type."],
      [
        { method: 'card', amount: 500, receivedOn: today },
        400,
        "« Moyen de paiement » doit être l'une de ces valeurs : cheque, cash, transfer.",
      ],
      [
        { method: 'cash', amount: 500, receivedOn: '12/11/2026' },
        400,
        "« Date de réception » n'a pas le bon format.",
      ],
      [
        { method: 'cash', amount: 500, receivedOn: '2026-02-30' },
        400,
        "« Date de réception » n'a pas le bon format.",
      ],
      [
        { method: 'cash', amount: 500, receivedOn: addDays(today, 1) },
        422,
        'La date de réception ne peut pas être dans le futur.',
        'receivedOn',
      ],
      [{ method: 'cash', amount: 500 }, 400, '« Date de réception » est obligatoire.'],
      [{ method: 'cash', amount: 500, receivedOn: today, tip: 1 }, 400, 'Champ inconnu : tip.'],
    ];
    for (const [body, status, message, field] of refusals) {
      const response = await pay(open.number, body);
      expect(response.statusCode, response.body).toBe(status);
      const answer = response.json<{ message: string; issues?: Array<{ field: string }> }>();
      expect(answer.message).toBe(message);
      if (field) expect(answer.issues?.map((issue) => issue.field)).toContain(field);
    }
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      const response = await pay(open.number, { method: 'cash', amount: 500, receivedOn: today }, account);
      expect(response.statusCode, response.body).toBe(403);
    }
    const missing = await pay(999_999, { method: 'cash', amount: 500, receivedOn: today });
    expect(missing.statusCode).toBe(404);
    expect(await api.store.invoices.get(api.gardenId, open.number)).toEqual(open);
  });

  it('shows where collection stands, from the invoice’s payment workflow', async () => {
    const member = await api.createMember({ firstName: 'Lucie', lastName: 'Aubrac' });
    const open = await issue(member.id, 1700, addDays(today, -20));
    const paid = await issue(member.id, 1700, addDays(today, -50));
    await api.store.invoices.addPayment(api.gardenId, paid.number, {
      id: 'p-stripe-1',
      method: 'card',
      amount: 1700,
      receivedOn: addDays(today, -50),
      recorded: { by: { userId: 'stripe', name: 'Stripe' }, at: new Date().toISOString() },
    });
    // Without a workflow (never started), no phase: the invoice still shows.
    expect((await billing(member.id)).invoices.every((entry) => entry.collection === undefined)).toBe(true);

    const reason = { fr: 'Votre banque a refusé le paiement.', en: 'Your bank declined the payment.' };
    const state = vi
      .spyOn(api.app.payments.collection, 'state')
      .mockImplementation(async (_gardenId, number) =>
        number === open.number
          ? {
              phase: 'awaiting-decision',
              attempts: [
                { number: 1, at: '2026-11-02T08:00:00.000Z', outcome: 'failed', reason },
                { number: 2, at: '2026-11-05T08:00:00.000Z', outcome: 'failed', reason },
              ],
            }
          : undefined,
      );
    try {
      const view = await billing(member.id);
      expect(view.invoices.find((entry) => entry.number === open.number)?.collection).toEqual({
        phase: 'awaiting-decision',
        attempts: 2,
        lastFailure: reason,
      });
      // Settled invoices are not asked about.
      expect(view.invoices.find((entry) => entry.number === paid.number)?.collection).toBeUndefined();
      expect(state.mock.calls.map(([, number]) => number)).toEqual([open.number]);
      expect((await invoice(open.number)).collection?.phase).toBe('awaiting-decision');
    } finally {
      state.mockRestore();
    }
  });

  it('passes a staff decision with its reason and author to the workflow, checking it first', async () => {
    const member = await api.createMember({ firstName: 'Simone', lastName: 'Veil' });
    const open = await issue(member.id, 2300, addDays(today, -30));
    const url = gardenUrl(`/invoices/${open.number}/decision`);

    // No payment workflow for this invoice: nothing to decide.
    const none = await api.call(api.accounts.staff, 'POST', url, {
      decision: 'retry',
      reason: 'Carte renouvelée',
    });
    expect(none.statusCode, none.body).toBe(404);
    expect(none.json()).toMatchObject({ message: "Le recouvrement de cette facture n'est pas en cours." });

    const decide = vi
      .spyOn(api.app.payments.collection, 'decide')
      .mockImplementation(async (_gardenId, _number, decision) => ({
        phase: decision.decision === 'suspend' ? 'suspended' : 'awaiting-manual',
        attempts: [],
        decision: {
          by: decision.actor,
          at: '2026-11-20T10:00:00.000Z',
          decision: decision.decision,
          reason: decision.reason,
        },
      }));
    try {
      const refusals: Array<[unknown, number, string]> = [
        [{ decision: 'retry', reason: '   ' }, 400, '« Motif » est obligatoire.'],
        [{ decision: 'retry' }, 400, '« Motif » est obligatoire.'],
        [
          { decision: 'abandon', reason: 'x' },
          400,
          "« Décision » doit être l'une de ces valeurs : retry, manual, write-off, suspend.",
        ],
        [{ decision: 'manual', reason: 'Chèque reçu' }, 422, 'Indiquez le paiement reçu.'],
        [
          { decision: 'suspend', reason: 'x', payment: { method: 'cash', amount: 100, receivedOn: today } },
          422,
          'Un paiement ne s’indique qu’avec la décision « Paiement reçu ».',
        ],
        [
          {
            decision: 'manual',
            reason: 'Chèque reçu',
            payment: { method: 'cash', amount: 9999, receivedOn: today },
          },
          422,
          'Le montant dépasse ce qui reste dû (23,00\u00a0€).',
        ],
      ];
      for (const [body, status, message] of refusals) {
        const response = await api.call(api.accounts.staff, 'POST', url, body);
        expect(response.statusCode, response.body).toBe(status);
        expect(response.json<{ message: string }>().message).toBe(message);
      }
      for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
        const response = await api.call(account, 'POST', url, { decision: 'write-off', reason: 'Moi' });
        expect(response.statusCode, response.body).toBe(403);
      }
      expect(decide).not.toHaveBeenCalled();

      const suspended = await api.call(api.accounts.staff, 'POST', url, {
        decision: 'suspend',
        reason: ' Trois relances sans réponse ',
      });
      expect(suspended.statusCode, suspended.body).toBe(200);
      expect(decide).toHaveBeenLastCalledWith(api.gardenId, open.number, {
        decision: 'suspend',
        reason: 'Trois relances sans réponse',
        actor: { userId: expect.any(String), name: 'Camille Martin' },
      });
      expect(suspended.json<InvoiceView>()).toMatchObject({
        number: open.number,
        status: 'open',
        collection: {
          phase: 'suspended',
          decision: { decision: 'suspend', reason: 'Trois relances sans réponse' },
        },
      });

      const manual = await api.call(api.accounts.staff, 'POST', url, {
        decision: 'manual',
        reason: 'Chèque déposé à l’accueil',
        payment: {
          method: 'cheque',
          amount: 2300,
          receivedOn: today,
          reference: '778899',
          bank: ' La Poste ',
        },
      });
      expect(manual.statusCode, manual.body).toBe(200);
      expect(decide).toHaveBeenLastCalledWith(api.gardenId, open.number, {
        decision: 'manual',
        reason: 'Chèque déposé à l’accueil',
        actor: { userId: expect.any(String), name: 'Camille Martin' },
        payment: { method: 'cheque', amount: 2300, receivedOn: today, reference: '778899', bank: 'La Poste' },
      });
    } finally {
      decide.mockRestore();
    }
    // The decision route never writes the invoice itself: the workflow does.
    expect(await api.store.invoices.get(api.gardenId, open.number)).toEqual(open);
  });
});
