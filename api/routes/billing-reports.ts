import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  addMonthsTo,
  monthRangeRefusal,
  paymentsByMonth,
  PaymentsReport,
  unpaidRows,
  UnpaidReport,
} from '../../domain/billing-views.ts';
import { gardenDay } from '../../domain/calendar.ts';
import { CocagneError } from '../../domain/errors.ts';
import {
  accountingExportHook,
  AccountingExportOutput,
  builtInAccountingExport,
  exportBytes,
  exportedPayment,
  exportFallbackNotice,
  type AccountingExportInput,
} from '../../domain/extensions/accounting-export.ts';
import { memberDisplayName } from '../../domain/member.ts';
import { addCents, cents } from '../../domain/money.ts';
import { staffRoles } from '../../domain/roles.ts';
import { Month } from '../../domain/ids.ts';
import { Value } from 'typebox/value';
import { errorAnswers, fileAnswer, GardenParams, Query } from '../schemas.ts';
import { nextStepFor } from '../views/member-billing.ts';

const MonthRange = Query({
  from: Type.Optional(Type.String({ ...Month, description: 'First month, YYYY-MM.' })),
  to: Type.Optional(Type.String({ ...Month, description: 'Last month, YYYY-MM (this month by default).' })),
});

/**
 * What the accountant's export says of the garden's accounting-export extension, beside the
 * file: which version answered, and, when the file is the built-in CSV although the garden runs
 * one, why and what staff read (the web app shows it after the download).
 */
const extensionHeaders = {
  'x-cocagne-extension': {
    type: 'string',
    pattern: '^[a-z][a-z0-9-]* [0-9][0-9A-Za-z.+-]*$',
    description:
      "The garden's accounting-export extension that was called: its name and version " +
      '(`ecritures-fec 1.1.0`). Absent when the garden runs none.',
  },
  'x-cocagne-extension-failure': {
    type: 'string',
    pattern: '^[a-z]+(-[a-z]+)*$',
    description:
      "Only when the file is the built-in CSV because the garden's extension failed, as a kind " +
      '(`timeout`, `memory`, `trap`, `module-error`, `output-too-large`, `input-too-large`, ' +
      "`invalid-output`, `crashed`, `load-failed`, `busy`), or because the garden's extensions " +
      'could not be read (`unavailable`).',
  },
  'x-cocagne-extension-notice': {
    type: 'string',
    pattern: "^[A-Za-z0-9%._~!*'()-]+$",
    description:
      'With `x-cocagne-extension-failure`, when the extension could be read: the sentence for staff ' +
      '(« Trop de paiements pour l’extension ecritures-fec (8,5 Mo, 8,0 Mo au plus) : voici le CSV ' +
      'habituel. Choisissez moins de mois pour obtenir son fichier. »), in the language of ' +
      'Accept-Language (French by default), percent-encoded UTF-8 (decodeURIComponent).',
  },
};

/** Reports on money for staff: the unpaid list, payments by month and method, the accountant's CSV. */
export const billingReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, views } = app;
  const today = () => gardenDay(app.now());

  /** The months asked for: by default the twelve months up to this one. */
  function range(query: { from?: string | undefined; to?: string | undefined }) {
    const to = query.to ?? today().slice(0, 7);
    const from = query.from ?? addMonthsTo(to, -11);
    const refusal = monthRangeRefusal(from, to);
    if (refusal) throw new CocagneError('refused', refusal, { field: 'from' });
    return { from, to };
  }

  async function memberNames(gardenId: string, memberIds: readonly string[]) {
    const members = await store.members.getMany(gardenId, [...new Set(memberIds)]);
    return (memberId: string) => {
      const member = members.get(memberId);
      return member ? memberDisplayName(member) : memberId;
    };
  }

  app.get(
    '/reports/unpaid',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          'Open invoices with something still due, oldest due first, with the household, days overdue and ' +
          'where collection stands (staff).',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: UnpaidReport, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const [invoices, charged, garden] = await Promise.all([
        store.invoices.list(gardenId),
        store.billingProfiles.withPaymentMethod(gardenId),
        store.gardens.get(gardenId),
      ]);
      const timeZone = garden?.timeZone || undefined;
      const day = gardenDay(app.now(), timeZone);
      const open = invoices.filter((invoice) => invoice.status === 'open');
      const name = await memberNames(
        gardenId,
        open.map((invoice) => invoice.memberId),
      );
      const rows = unpaidRows(invoices, name, day);
      const collections = await Promise.all(
        rows.map((row) => views.collectionState(request.log, gardenId, row.number)),
      );
      return {
        invoices: rows.map((row, index) => {
          const collection = collections[index];
          const nextStep = nextStepFor({ status: 'open', dueOn: row.dueOn }, collection, {
            hasPaymentMethod: charged.has(row.memberId),
            today: day,
            timeZone,
          });
          return {
            ...row,
            ...(collection ? { phase: collection.phase } : {}),
            ...(nextStep ? { nextStep } : {}),
          };
        }),
        total: addCents(...rows.map((row) => cents(row.outstanding))),
        overdue: addCents(...rows.filter((row) => row.daysOverdue > 0).map((row) => cents(row.outstanding))),
      };
    },
  );

  app.get(
    '/reports/payments',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          'Payments received by month and by method, in cents, over a range of months (staff; the twelve ' +
          'months up to this one by default, at most 36).',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: MonthRange,
        response: { 200: PaymentsReport, ...errorAnswers },
      },
    },
    async (request) => {
      const { from, to } = range(request.query);
      const invoices = await store.invoices.list(request.params.gardenId);
      return paymentsByMonth(
        invoices.flatMap((invoice) => invoice.payments),
        from,
        to,
      );
    },
  );

  app.get(
    '/reports/payments.csv',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          'Every payment received over a range of months, for the accountant (staff): by default CSV with ' +
          'semicolons and decimal commas, as French spreadsheets read it; when the garden runs an ' +
          "accounting-export extension, its file (name, media type and encoding are the extension's, e.g. " +
          'a FEC in ISO-8859-15). Should the extension fail (a trap, or more payments than the hook takes: ' +
          '8 MiB of input, about 40,000), the CSV, and the header `x-cocagne-extension-failure` says why ' +
          '(its kind), `x-cocagne-extension-notice` what staff read (in the language of Accept-Language, ' +
          'French by default, percent-encoded UTF-8).',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: MonthRange,
        response: {
          200: {
            description: 'The payments, one line each (the CSV in UTF-8 with a byte order mark).',
            headers: extensionHeaders,
            content: Object.fromEntries(
              ['text/csv', 'text/plain', 'text/tab-separated-values', 'application/xml'].map((type) => [
                type,
                fileAnswer(type, '').content[type],
              ]),
            ),
          },
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const { from, to } = range(request.query);
      const [invoices, pricing, garden] = await Promise.all([
        store.invoices.list(gardenId),
        store.settings.pricing(gardenId),
        store.gardens.get(gardenId),
      ]);
      const rows = invoices
        .flatMap((invoice) =>
          invoice.payments.map((payment) => ({ invoice, payment, month: payment.receivedOn.slice(0, 7) })),
        )
        .filter((row) => row.month >= from && row.month <= to)
        .sort(
          (a, b) =>
            a.payment.receivedOn.localeCompare(b.payment.receivedOn) || a.invoice.number - b.invoice.number,
        );
      const name = await memberNames(
        gardenId,
        rows.map((row) => row.invoice.memberId),
      );
      const input: AccountingExportInput = {
        from,
        to,
        garden: { name: pricing.legal.name || garden?.name || gardenId, siret: pricing.legal.siret },
        payments: rows.map(({ invoice, payment }) =>
          exportedPayment(invoice, name(invoice.memberId).slice(0, 200), {
            ...payment,
            reference: payment.reference?.slice(0, 200),
            bank: payment.bank?.slice(0, 200),
          }),
        ),
      };
      // The garden's accounting-export extension, or today's CSV (the built-in behaviour, also
      // when the extension fails: the accountant always gets a file).
      const builtIn = (failure?: { kind: string; message: string }) => ({
        output: builtInAccountingExport(input),
        source: 'built-in' as const,
        ...(failure ? { failure } : {}),
      });
      const answer = app.extensions
        ? await app.extensions.runner
            .runHook(gardenId, accountingExportHook.name, input)
            // The garden's extensions cannot be read (S3 unreachable…): the CSV all the same.
            .catch((error: unknown) =>
              builtIn({
                kind: 'unavailable',
                message: error instanceof Error ? error.message : String(error),
              }),
            )
        : builtIn();
      const file = Value.Check(AccountingExportOutput, answer.output)
        ? answer.output
        : builtInAccountingExport(input);
      if ('extension' in answer && answer.extension) {
        reply.header('x-cocagne-extension', `${answer.extension.name} ${answer.extension.version}`);
      }
      if ('failure' in answer && answer.failure) {
        reply.header('x-cocagne-extension-failure', answer.failure.kind);
        if ('extension' in answer && answer.extension) {
          const notice = exportFallbackNotice(
            answer.extension.name,
            answer.failure,
            Buffer.byteLength(JSON.stringify(input)),
          );
          reply.header('x-cocagne-extension-notice', encodeURIComponent(notice[request.locale]));
          request.log.warn({ failure: answer.failure, gardenId }, notice.en);
        }
      }
      const charset = file.encoding === 'utf-8' ? 'utf-8' : file.encoding;
      return reply
        .type(`${file.mediaType}; charset=${charset}`)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(exportBytes(file)));
    },
  );
};
