import { ApplicationFailure } from '@temporalio/common';
import type { DocumentStore } from '../adapters/store/documents.ts';
import type { Store } from '../adapters/store/index.ts';
import type { NotificationLogEntry } from '../domain/notifications.ts';
import { notificationKindLabels, notificationStatusLabels } from '../domain/notifications.ts';
import { addDays, gardenDay, type IsoDate } from '../domain/calendar.ts';
import { optionalPurposeLabels, type ConsentEntry } from '../domain/consents.ts';
import { failureTypes } from '../domain/failure-types.ts';
import { invoiceLabel, paymentMethodLabels } from '../domain/invoices.ts';
import { memberLanguage } from '../domain/member.ts';
import { cents, formatEuros } from '../domain/money.ts';
import { portalPaths } from '../domain/portal-paths.ts';
import { basketSizeLabels, frequencyLabels, subscriptionStatusLabels } from '../domain/subscription.ts';
import {
  exportValidityDays,
  memberDataExportKey,
  type MemberDataExportRef,
} from '../domain/member-data-export.ts';
import { memberDataExportPdf, type ExportSection } from './member-data-export-pdf.ts';
import { createMemberDataExportStore } from '../adapters/store/member-data-export-store.ts';

export interface MemberDataExportDeps {
  store: Store;
  documents: DocumentStore;
  /** The app's public address: the email leads to « Mes données » there. */
  publicUrl: string;
  now?: () => Date;
}

type ExportRef = MemberDataExportRef;

/** Every entry of the member's notification log, page after page. */
async function allNotifications(store: Store, gardenId: string, memberId: string) {
  const entries: NotificationLogEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.notifications.listForMember(gardenId, memberId, { limit: 100, cursor });
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

const euros = (amount: number) => formatEuros(cents(amount), 'fr');

function consentDetail(entry: ConsentEntry): string {
  if (entry.kind === 'terms') {
    return `CGV v${entry.terms.cgv ?? '-'}, confidentialité v${entry.terms.confidentialite ?? '-'}`;
  }
  return `${optionalPurposeLabels[entry.purpose].fr} : ${entry.given ? 'oui' : 'non'}`;
}

/**
 * The member's data export (RGPD article 20): gathers what the garden holds on one member into
 * `export.json` and `export.pdf` in S3, then marks the request ready (or failed). Nothing of the
 * member's data goes back into the workflow's history: only counts and dates.
 */
export function createMemberDataExportActivities(deps: MemberDataExportDeps) {
  const { store, documents } = deps;
  const now = deps.now ?? (() => new Date());
  const exports = createMemberDataExportStore(store.db, store.tables);
  const myDataUrl = `${deps.publicUrl.replace(/\/+$/, '')}${portalPaths.myData}`;

  return {
    /** Writes both files (again, on a retry: the same keys, the same content but the date). */
    async writeMemberDataExport(input: ExportRef): Promise<{ files: number }> {
      const { gardenId, memberId } = input;
      const member = await store.members.get(gardenId, memberId);
      if (!member) {
        throw ApplicationFailure.create({
          type: failureTypes.memberNotFound,
          message: `Member ${memberId} of garden ${gardenId} no longer exists: nothing to export.`,
          nonRetryable: true,
        });
      }
      const [garden, subscriptions, invoices, notifications, consents] = await Promise.all([
        store.gardens.get(gardenId),
        store.subscriptions.listForMember(gardenId, memberId),
        store.invoices.listForMember(gardenId, memberId),
        allNotifications(store, gardenId, memberId),
        store.consents.list(gardenId, memberId),
      ]);
      const exportedAt = now().toISOString();
      const payments = invoices.flatMap((invoice) =>
        invoice.payments.map((payment) => ({ invoiceNumber: invoice.number, ...payment })),
      );
      const data = {
        exportedAt,
        garden: { id: gardenId, name: garden?.name ?? gardenId },
        member,
        subscriptions,
        invoices,
        payments,
        notifications,
        consents,
      };
      const json = new TextEncoder().encode(`${JSON.stringify(data, null, 2)}\n`);

      const sections: ExportSection[] = [
        {
          heading: 'Vos coordonnées',
          columns: [
            { header: 'Champ', width: 1 },
            { header: 'Valeur', width: 3 },
          ],
          rows: [
            ['Prénom', member.firstName],
            ['Nom', member.lastName],
            ['E-mail', member.email ?? ''],
            ['Téléphone', member.phone ?? ''],
            [
              'Adresse',
              member.address
                ? [member.address.street, `${member.address.postalCode} ${member.address.city}`].join(', ')
                : '',
            ],
            ['Personnes au foyer', member.householdSize === undefined ? '' : String(member.householdSize)],
            ['Accès au domicile', member.accessNotes ?? ''],
            ['Langue des messages', memberLanguage(member) === 'en' ? 'anglais' : 'français'],
            [
              'Préférences de contact',
              `e-mail : ${member.contactPreferences?.email === false ? 'non' : 'oui'}, SMS : ${member.contactPreferences?.sms ? 'oui' : 'non'}`,
            ],
            ['Fiche créée le', member.createdAt.slice(0, 10)],
          ],
          empty: '',
        },
        {
          heading: 'Abonnements',
          columns: [
            { header: 'Abonnement', width: 2.2 },
            { header: 'Panier', width: 1.4 },
            { header: 'Fréquence', width: 1.4 },
            { header: 'Début', width: 1.2 },
            { header: 'Fin', width: 1.2 },
            { header: 'Statut', width: 1.4 },
          ],
          rows: subscriptions.map((subscription) => [
            subscription.id,
            basketSizeLabels[subscription.basketSize].fr,
            frequencyLabels[subscription.frequency].fr,
            subscription.startDate,
            subscription.endDate ?? '',
            subscriptionStatusLabels[subscription.status].fr,
          ]),
          empty: 'Aucun abonnement.',
        },
        {
          heading: 'Factures',
          columns: [
            { header: 'Facture', width: 1.2 },
            { header: 'Objet', width: 3 },
            { header: 'Émise le', width: 1.2 },
            { header: 'Échéance', width: 1.2 },
            { header: 'Total', width: 1.1 },
            { header: 'Statut', width: 1 },
          ],
          rows: invoices.map((invoice) => [
            invoiceLabel(invoice.number),
            invoice.subject,
            invoice.issuedOn,
            invoice.dueOn,
            euros(invoice.total),
            { open: 'à payer', paid: 'payée', 'written-off': 'abandonnée' }[invoice.status],
          ]),
          empty: 'Aucune facture.',
        },
        {
          heading: 'Paiements',
          columns: [
            { header: 'Facture', width: 1.2 },
            { header: 'Reçu le', width: 1.2 },
            { header: 'Moyen', width: 1.4 },
            { header: 'Montant', width: 1.1 },
            { header: 'Référence', width: 2.5 },
          ],
          rows: payments.map((payment) => [
            invoiceLabel(payment.invoiceNumber),
            payment.receivedOn,
            paymentMethodLabels[payment.method].fr,
            euros(payment.amount),
            payment.reference ?? '',
          ]),
          empty: 'Aucun paiement.',
        },
        {
          heading: 'Messages envoyés',
          columns: [
            { header: 'Date', width: 1.3 },
            { header: 'Type', width: 1.8 },
            { header: 'Objet', width: 3 },
            { header: 'Statut', width: 1.2 },
          ],
          rows: notifications.map((entry) => [
            entry.createdAt.slice(0, 10),
            notificationKindLabels[entry.kind].fr,
            entry.subject,
            notificationStatusLabels[entry.status].fr,
          ]),
          empty: 'Aucun message.',
        },
        {
          heading: 'Consentements',
          columns: [
            { header: 'Date', width: 1.3 },
            { header: 'Objet', width: 4 },
            { header: 'Par', width: 1.2 },
          ],
          rows: consents.map((entry) => [entry.at.slice(0, 10), consentDetail(entry), entry.how]),
          empty: 'Aucun consentement enregistré.',
        },
      ];
      const pdf = await memberDataExportPdf({
        title: `Vos données – ${garden?.name ?? gardenId}`,
        subtitle: [
          `${member.firstName} ${member.lastName}`,
          `Export du ${exportedAt.slice(0, 10)} (RGPD, article 20). Le fichier export.json contient tout, sous une forme lisible par un logiciel.`,
        ],
        sections,
        footer: `Exporté le ${exportedAt.slice(0, 10)}`,
      });

      await documents.put(memberDataExportKey(input, 'export.json'), json, 'application/json; charset=utf-8');
      await documents.put(memberDataExportKey(input, 'export.pdf'), pdf, 'application/pdf');
      return { files: 2 };
    },

    /**
     * Marks the request ready for `exportValidityDays` days from now; returns what the email
     * says (the expiry day in the garden's time zone and the page that downloads).
     */
    async markMemberDataExportReady(
      input: ExportRef,
    ): Promise<{ expiresAt: string; expiresOn: IsoDate; link: string }> {
      const readyAt = now();
      const expiresAt = new Date(readyAt.getTime() + exportValidityDays * 86_400_000).toISOString();
      await exports.finish(input.gardenId, input.memberId, input.exportId, {
        status: 'ready',
        readyAt: readyAt.toISOString(),
        expiresAt,
      });
      const garden = await store.gardens.get(input.gardenId);
      const expiresOn = addDays(gardenDay(readyAt, garden?.timeZone || undefined), exportValidityDays);
      return { expiresAt, expiresOn, link: myDataUrl };
    },

    /** Once the files have expired: both gone from S3 (the request keeps its dates and says 410). */
    async deleteMemberDataExportFiles(input: ExportRef): Promise<void> {
      await documents.remove([
        memberDataExportKey(input, 'export.json'),
        memberDataExportKey(input, 'export.pdf'),
      ]);
    },

    async markMemberDataExportFailed(input: ExportRef): Promise<void> {
      await exports.finish(input.gardenId, input.memberId, input.exportId, {
        status: 'failed',
        failedAt: now().toISOString(),
      });
    },
  };
}
export type MemberDataExportActivities = ReturnType<typeof createMemberDataExportActivities>;
