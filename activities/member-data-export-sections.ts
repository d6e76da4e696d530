// What the readable copy of a member's data (export.pdf) says, in the language the member reads
// the garden's messages in: the same facts as export.json, under headings a person understands.
import type { ConsentChannel, ConsentEntry } from '../domain/consents.ts';
import { optionalPurposeLabels } from '../domain/consents.ts';
import { invoiceLabel, paymentMethodLabels, type Invoice, type Payment } from '../domain/invoices.ts';
import type { Locale, Localized } from '../domain/locale.ts';
import { memberLanguage, type Member } from '../domain/member.ts';
import { cents, formatEuros } from '../domain/money.ts';
import type { NotificationLogEntry } from '../domain/notifications.ts';
import { notificationKindLabels, notificationStatusLabels } from '../domain/notifications.ts';
import {
  basketSizeLabels,
  frequencyLabels,
  subscriptionStatusLabels,
  type Subscription,
} from '../domain/subscription.ts';
import type { ExportPdfInput, ExportSection } from './member-data-export-pdf.ts';

export interface ExportedData {
  exportedAt: string;
  gardenName: string;
  member: Member;
  subscriptions: Subscription[];
  invoices: Invoice[];
  payments: Array<Payment & { invoiceNumber: number }>;
  notifications: NotificationLogEntry[];
  consents: ConsentEntry[];
}

const invoiceStatusLabels: Readonly<Record<Invoice['status'], Localized>> = {
  open: { fr: 'à payer', en: 'to pay' },
  paid: { fr: 'payée', en: 'paid' },
  'written-off': { fr: 'abandonnée', en: 'written off' },
};

const consentChannelLabels: Readonly<Record<ConsentChannel, Localized>> = {
  'sign-up': { fr: 'inscription', en: 'sign-up' },
  portal: { fr: 'espace adhérent', en: 'member portal' },
  staff: { fr: 'équipe', en: 'staff' },
};

/** Every word of the PDF but the member's own data and the labels the domain already has. */
const wording = {
  fr: {
    title: (garden: string) => `Vos données – ${garden}`,
    about: (day: string) =>
      `Export du ${day} (RGPD, article 20). Le fichier export.json contient tout, sous une forme lisible par un logiciel.`,
    footer: (day: string) => `Exporté le ${day}`,
    yes: 'oui',
    no: 'non',
    record: {
      heading: 'Vos coordonnées',
      field: 'Champ',
      value: 'Valeur',
      firstName: 'Prénom',
      lastName: 'Nom',
      email: 'E-mail',
      phone: 'Téléphone',
      address: 'Adresse',
      household: 'Personnes au foyer',
      access: 'Accès au domicile',
      language: 'Langue des messages',
      languages: { fr: 'français', en: 'anglais' } as Localized,
      contact: 'Préférences de contact',
      contactLine: (email: string, sms: string) => `e-mail : ${email}, SMS : ${sms}`,
      createdOn: 'Fiche créée le',
    },
    subscriptions: {
      heading: 'Abonnements',
      columns: ['Abonnement', 'Panier', 'Fréquence', 'Début', 'Fin', 'Statut'],
      empty: 'Aucun abonnement.',
    },
    invoices: {
      heading: 'Factures',
      columns: ['Facture', 'Objet', 'Émise le', 'Échéance', 'Total', 'Statut'],
      empty: 'Aucune facture.',
    },
    payments: {
      heading: 'Paiements',
      columns: ['Facture', 'Reçu le', 'Moyen', 'Montant', 'Référence'],
      empty: 'Aucun paiement.',
    },
    notifications: {
      heading: 'Messages envoyés',
      columns: ['Date', 'Type', 'Objet', 'Statut'],
      empty: 'Aucun message.',
    },
    consents: {
      heading: 'Consentements',
      columns: ['Date', 'Objet', 'Par'],
      empty: 'Aucun consentement enregistré.',
      terms: (cgv: string, privacy: string) => `CGV v${cgv}, confidentialité v${privacy}`,
      given: (purpose: string, answer: string) => `${purpose} : ${answer}`,
    },
  },
  en: {
    title: (garden: string) => `Your data – ${garden}`,
    about: (day: string) =>
      `Exported on ${day} (GDPR, article 20). The file export.json holds everything, in a form software can read.`,
    footer: (day: string) => `Exported on ${day}`,
    yes: 'yes',
    no: 'no',
    record: {
      heading: 'Your details',
      field: 'Field',
      value: 'Value',
      firstName: 'First name',
      lastName: 'Last name',
      email: 'Email',
      phone: 'Phone',
      address: 'Address',
      household: 'People in the household',
      access: 'Access to the home',
      language: 'Language of messages',
      languages: { fr: 'French', en: 'English' } as Localized,
      contact: 'Contact preferences',
      contactLine: (email: string, sms: string) => `email: ${email}, SMS: ${sms}`,
      createdOn: 'Record created on',
    },
    subscriptions: {
      heading: 'Subscriptions',
      columns: ['Subscription', 'Basket', 'Frequency', 'Start', 'End', 'Status'],
      empty: 'No subscription.',
    },
    invoices: {
      heading: 'Invoices',
      columns: ['Invoice', 'Subject', 'Issued on', 'Due on', 'Total', 'Status'],
      empty: 'No invoice.',
    },
    payments: {
      heading: 'Payments',
      columns: ['Invoice', 'Received on', 'Means', 'Amount', 'Reference'],
      empty: 'No payment.',
    },
    notifications: {
      heading: 'Messages sent',
      columns: ['Date', 'Kind', 'Subject', 'Status'],
      empty: 'No message.',
    },
    consents: {
      heading: 'Consents',
      columns: ['Date', 'About', 'By'],
      empty: 'No consent recorded.',
      terms: (cgv: string, privacy: string) => `Terms v${cgv}, privacy policy v${privacy}`,
      given: (purpose: string, answer: string) => `${purpose}: ${answer}`,
    },
  },
} satisfies Record<Locale, unknown>;

/** Column headers with their relative widths. */
function columns(headers: readonly string[], widths: readonly number[]): ExportSection['columns'] {
  return headers.map((header, index) => ({ header, width: widths[index] ?? 1 }));
}

/** The PDF's content for one member, in their messages' language (French when never chosen). */
export function exportPdfContent(data: ExportedData): ExportPdfInput {
  const locale = memberLanguage(data.member);
  const words = wording[locale];
  const { member } = data;
  const day = data.exportedAt.slice(0, 10);
  const euros = (amount: number) => formatEuros(cents(amount), locale);
  const yesNo = (value: boolean) => (value ? words.yes : words.no);
  const consentDetail = (entry: ConsentEntry) =>
    entry.kind === 'terms'
      ? words.consents.terms(String(entry.terms.cgv ?? '-'), String(entry.terms.confidentialite ?? '-'))
      : words.consents.given(optionalPurposeLabels[entry.purpose][locale], yesNo(entry.given));
  const record = words.record;

  const sections: ExportSection[] = [
    {
      heading: record.heading,
      columns: columns([record.field, record.value], [1, 3]),
      rows: [
        [record.firstName, member.firstName],
        [record.lastName, member.lastName],
        [record.email, member.email ?? ''],
        [record.phone, member.phone ?? ''],
        [
          record.address,
          member.address
            ? [member.address.street, `${member.address.postalCode} ${member.address.city}`].join(', ')
            : '',
        ],
        [record.household, member.householdSize === undefined ? '' : String(member.householdSize)],
        [record.access, member.accessNotes ?? ''],
        [record.language, record.languages[locale]],
        [
          record.contact,
          record.contactLine(
            yesNo(member.contactPreferences?.email !== false),
            yesNo(member.contactPreferences?.sms === true),
          ),
        ],
        [record.createdOn, member.createdAt.slice(0, 10)],
      ],
      empty: '',
    },
    {
      ...words.subscriptions,
      columns: columns(words.subscriptions.columns, [2.2, 1.4, 1.4, 1.2, 1.2, 1.4]),
      rows: data.subscriptions.map((subscription) => [
        subscription.id,
        basketSizeLabels[subscription.basketSize][locale],
        frequencyLabels[subscription.frequency][locale],
        subscription.startDate,
        subscription.endDate ?? '',
        subscriptionStatusLabels[subscription.status][locale],
      ]),
    },
    {
      ...words.invoices,
      columns: columns(words.invoices.columns, [1.2, 3, 1.2, 1.2, 1.1, 1]),
      rows: data.invoices.map((invoice) => [
        invoiceLabel(invoice.number),
        invoice.subject,
        invoice.issuedOn,
        invoice.dueOn,
        euros(invoice.total),
        invoiceStatusLabels[invoice.status][locale],
      ]),
    },
    {
      ...words.payments,
      columns: columns(words.payments.columns, [1.2, 1.2, 1.4, 1.1, 2.5]),
      rows: data.payments.map((payment) => [
        invoiceLabel(payment.invoiceNumber),
        payment.receivedOn,
        paymentMethodLabels[payment.method][locale],
        euros(payment.amount),
        payment.reference ?? '',
      ]),
    },
    {
      ...words.notifications,
      columns: columns(words.notifications.columns, [1.3, 1.8, 3, 1.2]),
      rows: data.notifications.map((entry) => [
        entry.createdAt.slice(0, 10),
        notificationKindLabels[entry.kind][locale],
        entry.subject,
        notificationStatusLabels[entry.status][locale],
      ]),
    },
    {
      heading: words.consents.heading,
      empty: words.consents.empty,
      columns: columns(words.consents.columns, [1.3, 4, 1.2]),
      rows: data.consents.map((entry) => [
        entry.at.slice(0, 10),
        consentDetail(entry),
        consentChannelLabels[entry.how][locale],
      ]),
    },
  ];
  return {
    title: words.title(data.gardenName),
    subtitle: [`${member.firstName} ${member.lastName}`, words.about(day)],
    sections,
    footer: words.footer(day),
  };
}
