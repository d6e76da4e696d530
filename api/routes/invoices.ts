import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  invoiceView,
  InvoiceView,
  MemberBilling,
  receivedOnRefusal,
  type Collection,
} from '../../domain/billing-views.ts';
import { gardenDay } from '../../domain/calendar.ts';
import { CocagneError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import {
  invoiceLabel,
  ManualPaymentInput,
  paymentRefusal,
  type Invoice,
  type Payment,
} from '../../domain/invoices.ts';
import { memberDisplayName } from '../../domain/member.ts';
import { staffRoles } from '../../domain/roles.ts';
import type { PaymentCommands } from '../../temporal/payment-client.ts';
import { actorOf, type CallerIdentity } from '../auth/identity.ts';
import { invoiceNotFound } from '../plugins/access.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, fileAnswer, GardenParams, InvoiceParams, MemberParams, Query } from '../schemas.ts';
import { collectionOf, nextStepFor } from '../views/member-billing.ts';

const decisions = ['retry', 'manual', 'write-off', 'suspend'] as const;

/** A staff decision as the workflow takes it. */
type PaymentDecision = Parameters<PaymentCommands['decide']>[2];

/** The cheque number a cheque needs, said beside its field. */
function chequeWithoutNumber(payment: ManualPaymentInput): boolean {
  return payment.method === 'cheque' && !(payment.reference ?? '').trim();
}

/** Trims what people typed; empty texts are left out. */
function cleanPayment(payment: ManualPaymentInput): ManualPaymentInput {
  const reference = payment.reference?.trim();
  const bank = payment.bank?.trim();
  return {
    method: payment.method,
    amount: payment.amount,
    receivedOn: payment.receivedOn,
    ...(reference ? { reference } : {}),
    ...(bank ? { bank } : {}),
  };
}

/** Invoices: read by staff and their member, PDF download, manual payments, staff decisions. */
export const invoiceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, documents, views } = app;
  const payments = app.payments.collection;
  const today = () => gardenDay(app.now());

  async function requireInvoice(gardenId: string, number: number): Promise<Invoice> {
    const invoice = await store.invoices.get(gardenId, number);
    if (!invoice) throw invoiceNotFound(number);
    return invoice;
  }

  async function memberName(gardenId: string, memberId: string): Promise<string | undefined> {
    const member = await store.members.get(gardenId, memberId);
    return member ? memberDisplayName(member) : undefined;
  }

  /** One invoice as staff or its member read it: who it bills, its collection and what comes next. */
  async function oneInvoice(invoice: Invoice, collection: Collection | undefined) {
    const [name, profile, garden] = await Promise.all([
      memberName(invoice.gardenId, invoice.memberId),
      invoice.status === 'open'
        ? store.billingProfiles.get(invoice.gardenId, invoice.memberId)
        : Promise.resolve(undefined),
      store.gardens.get(invoice.gardenId),
    ]);
    const timeZone = garden?.timeZone || undefined;
    const nextStep = nextStepFor(invoice, collection, {
      hasPaymentMethod: profile?.paymentMethod !== undefined,
      today: gardenDay(app.now(), timeZone),
      timeZone,
    });
    return invoiceView(invoice, { memberName: name, collection, nextStep });
  }

  /** Refuses a manual payment that cannot be recorded on this invoice, saying why. */
  function checkPayment(invoice: Invoice, payment: ManualPaymentInput): void {
    if (chequeWithoutNumber(payment)) {
      throw new CocagneError(
        'refused',
        { fr: 'Indiquez le numéro du chèque.', en: 'Give the cheque number.' },
        { field: 'reference' },
      );
    }
    const wrongDay = receivedOnRefusal(payment.receivedOn, today());
    if (wrongDay) throw new CocagneError('refused', wrongDay, { field: 'receivedOn' });
    const refusal = paymentRefusal(invoice, payment);
    if (refusal) throw new CocagneError('refused', refusal, { field: 'amount' });
  }

  app.get(
    '/members/:memberId/billing',
    {
      schema: {
        tags: ['payments'],
        summary:
          "A household's billing: solidarity tier, saved means of payment, balance (due and overdue, in cents) " +
          'and invoices, newest first (staff, or the member themself).',
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 200: MemberBilling, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      await request.reachableMember(gardenId, memberId);
      return views.memberBilling(request.log, gardenId, memberId);
    },
  );

  app.get(
    '/invoices',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary: "The garden's invoices, newest first, with who they bill (staff); by status when asked.",
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({ status: Type.Optional(Type.Enum(['open', 'paid', 'written-off'])) }),
        response: { 200: Type.Array(InvoiceView), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { status } = request.query;
      const invoices = (await store.invoices.list(gardenId))
        .filter((invoice) => !status || invoice.status === status)
        .sort((a, b) => b.number - a.number);
      const members = await store.members.getMany(gardenId, [
        ...new Set(invoices.map((invoice) => invoice.memberId)),
      ]);
      return invoices.map((invoice) => {
        const member = members.get(invoice.memberId);
        return invoiceView(invoice, { memberName: member ? memberDisplayName(member) : undefined });
      });
    },
  );

  app.get(
    '/invoices/:number',
    {
      schema: {
        tags: ['payments'],
        summary: 'One invoice, with its payments and where its collection stands (staff or its member).',
        security: [{ bearer: [] }],
        params: InvoiceParams,
        response: { 200: InvoiceView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, number } = request.params;
      const invoice = await requireInvoice(gardenId, number);
      request.requireInvoiceAccess(invoice);
      const collection =
        invoice.status === 'open' ? await views.collectionState(request.log, gardenId, number) : undefined;
      return oneInvoice(invoice, collection);
    },
  );

  app.get(
    '/invoices/:number/document',
    {
      schema: {
        tags: ['payments'],
        summary: "The invoice's PDF, as a download named after its number (staff or its member).",
        security: [{ bearer: [] }],
        params: InvoiceParams,
        response: { 200: fileAnswer('application/pdf', "The invoice's PDF."), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, number } = request.params;
      const invoice = await requireInvoice(gardenId, number);
      request.requireInvoiceAccess(invoice);
      if (!invoice.documentKey) {
        throw new CocagneError('not_found', {
          fr: `La facture ${invoiceLabel(number)} n'est pas encore imprimée : réessayez dans quelques minutes.`,
          en: `Invoice ${invoiceLabel(number)} is not printed yet: try again in a few minutes.`,
        });
      }
      const file = await documents.get(invoice.documentKey);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${invoiceLabel(number)}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(file.bytes));
    },
  );

  app.post(
    '/invoices/:number/payments',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          'Records a payment staff received: cheque (with its number), cash or bank transfer, in cents; ' +
          'partial payments are allowed, more than is due is refused (422). With an `Idempotency-Key` ' +
          'header, sending the same payment again records it once. Answers the invoice.',
        security: [{ bearer: [] }],
        params: InvoiceParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' })),
        }),
        body: ManualPaymentInput,
        response: { 201: InvoiceView, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, number } = request.params;
      const caller: CallerIdentity = callerOf(request);
      const input = cleanPayment(request.body);
      const key = request.headers['idempotency-key'];
      const payment: Payment = {
        id: key ? `p-${key}` : newId('p', randomUUID),
        ...input,
        recorded: { by: actorOf(caller), at: app.now().toISOString() },
      };
      let recorded: Invoice | undefined;
      for (let attempt = 0; !recorded; attempt++) {
        const invoice = await requireInvoice(gardenId, number);
        // The same payment sent again (a second click, a retry after a lost answer): once.
        if (invoice.payments.some((existing) => existing.id === payment.id)) {
          recorded = invoice;
          break;
        }
        checkPayment(invoice, input);
        try {
          recorded = await store.invoices.addPayment(gardenId, number, payment);
        } catch (error) {
          // A Stripe payment landed meanwhile: check again against what is now due.
          if (!(error instanceof CocagneError && error.code === 'conflict') || attempt >= 3) throw error;
        }
      }
      try {
        await payments.paymentRecorded(gardenId, number);
      } catch (error) {
        // Recorded all the same: the workflow reads the invoice again at its next step.
        request.log.warn({ err: error, invoiceNumber: number }, 'payment workflow not told of a payment');
      }
      const collection =
        recorded.status === 'open' ? await views.collectionState(request.log, gardenId, number) : undefined;
      return reply.status(201).send(await oneInvoice(recorded, collection));
    },
  );

  app.post(
    '/invoices/:number/decision',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          'What staff decide for an invoice that could not be collected: retry now, a manual payment ' +
          '(with `payment`), write it off, or suspend deliveries until it is paid; always with a reason. ' +
          'Answers the invoice with where its collection now stands.',
        security: [{ bearer: [] }],
        params: InvoiceParams,
        body: Type.Object(
          {
            decision: Type.Enum([...decisions]),
            reason: Type.String({
              minLength: 1,
              maxLength: 500,
              pattern: '\\S',
              description: 'Why: it stays in the invoice’s history.',
            }),
            payment: Type.Optional(ManualPaymentInput),
          },
          { additionalProperties: false },
        ),
        response: { 200: InvoiceView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, number } = request.params;
      const { decision } = request.body;
      const reason = request.body.reason.trim();
      if (!reason) {
        throw new CocagneError(
          'invalid_input',
          {
            fr: '« Motif » est obligatoire : il reste dans l’historique de la facture.',
            en: '« Reason » is required: it stays in the invoice’s history.',
          },
          { field: 'reason' },
        );
      }
      const payment = request.body.payment ? cleanPayment(request.body.payment) : undefined;
      if (decision === 'manual' && !payment) {
        throw new CocagneError(
          'refused',
          { fr: 'Indiquez le paiement reçu.', en: 'Give the payment received.' },
          { field: 'payment' },
        );
      }
      if (decision !== 'manual' && payment) {
        throw new CocagneError(
          'refused',
          {
            fr: 'Un paiement ne s’indique qu’avec la décision « Paiement reçu ».',
            en: 'A payment goes only with the decision « Payment received ».',
          },
          { field: 'payment' },
        );
      }
      const invoice = await requireInvoice(gardenId, number);
      if (payment) checkPayment(invoice, payment);
      const command: PaymentDecision = {
        decision,
        reason,
        actor: actorOf(callerOf(request)),
        ...(payment ? { payment } : {}),
      };
      const state = await payments.decide(gardenId, number, command);
      return oneInvoice(await requireInvoice(gardenId, number), collectionOf(state));
    },
  );
};
