import { formatDay, gardenTimeZone, type IsoDate } from '../../domain/calendar.ts';
import type { Depot } from '../../domain/depot.ts';
import { harvestTotals, type CompositionInput, type PlannedBasket } from '../../domain/delivery-week.ts';
import { weekDays } from '../../domain/iso-weeks.ts';
import { addressLine, type Member } from '../../domain/member.ts';
import { formatPhone } from '../../domain/phone.ts';
import { formatQuantity, type Product } from '../../domain/products.ts';
import { basketSizeLabels, basketSizes } from '../../domain/subscription.ts';
import { printableTablePdf, type PrintableTable } from './printable-table.ts';

/** A printable document of a week: what it is called, for whom, and its table. */
export interface WeekDocumentModel {
  name: string;
  title: string;
  depotId?: string;
  table: PrintableTable;
}

export interface WeekDocument extends Omit<WeekDocumentModel, 'table'> {
  bytes: Uint8Array;
}

export interface WeekDocumentInput {
  gardenName: string;
  week: string;
  composition: CompositionInput;
  products: ReadonlyMap<string, Pick<Product, 'name' | 'unit'>>;
  baskets: readonly PlannedBasket[];
  members: ReadonlyMap<string, Pick<Member, 'firstName' | 'lastName' | 'phone' | 'notes' | 'address'>>;
  depots: readonly Depot[];
  generatedAt: Date;
  /** The garden's, for the hour the documents were printed; Paris when it has none. */
  timeZone?: string;
}

const weekLabel = (week: string) => {
  const days = weekDays(week);
  return `semaine ${week.slice(6)} (du ${formatDay(days[0] as IsoDate)} au ${formatDay(days[6] as IsoDate)})`;
};

const generated = (at: Date, timeZone = gardenTimeZone) =>
  `Édité le ${new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(at)}`;

/** The week's documents, printed. */
export async function weekDocuments(input: WeekDocumentInput): Promise<WeekDocument[]> {
  return Promise.all(
    weekDocumentModels(input).map(async ({ table, ...document }) => ({
      ...document,
      bytes: await printableTablePdf(table),
    })),
  );
}

/** What the week's documents say: the harvest list, one signing sheet per depot, the home-delivery lists. */
export function weekDocumentModels(input: WeekDocumentInput): WeekDocumentModel[] {
  const planned = input.baskets.filter((basket) => basket.state === 'planned');
  const total = { small: 0, medium: 0, large: 0 };
  for (const basket of planned) total[basket.basketSize] += basket.baskets;
  const footer = `${input.gardenName} — ${generated(input.generatedAt, input.timeZone || undefined)}`;
  const documents: WeekDocumentModel[] = [];

  const harvest = harvestTotals(input.composition, total, input.products);
  documents.push({
    name: 'recolte.pdf',
    title: `Liste de récolte — ${weekLabel(input.week)}`,
    table: {
      title: `Liste de récolte — ${input.gardenName}`,
      subtitle: [
        weekLabel(input.week),
        `Paniers à préparer : ${basketSizes.map((size) => `${total[size]} ${basketSizeLabels[size].fr.toLowerCase()}`).join(', ')}`,
      ],
      columns: [
        { header: 'Produit', width: 5 },
        { header: 'Quantité à récolter', width: 3, align: 'right' },
        ...basketSizes.map((size) => ({
          header: basketSizeLabels[size].fr,
          width: 2,
          align: 'right' as const,
        })),
      ],
      rows: harvest.map((line) => [
        line.name,
        formatQuantity(line.quantity, line.unit),
        ...basketSizes.map((size) => {
          const quantity = input.composition[size].find(
            (entry) => entry.productId === line.productId,
          )?.quantity;
          return quantity === undefined ? '—' : formatQuantity(quantity, line.unit);
        }),
      ]),
      footer,
      empty: 'La composition de la semaine est vide.',
    },
  });

  const byName = (a: PlannedBasket, b: PlannedBasket) => {
    const first = input.members.get(a.memberId);
    const second = input.members.get(b.memberId);
    return `${first?.lastName ?? ''} ${first?.firstName ?? ''}`.localeCompare(
      `${second?.lastName ?? ''} ${second?.firstName ?? ''}`,
      'fr',
    );
  };

  for (const depot of input.depots) {
    const here = planned.filter((basket) => basket.depotId === depot.id).sort(byName);
    if (here.length === 0) continue;
    const dates = [...new Set(here.map((basket) => basket.date))].sort();
    const title = depot.homeDelivery
      ? `Livraisons à domicile — ${depot.name}`
      : `Feuille d'émargement — ${depot.name}`;
    documents.push({
      name: `${depot.homeDelivery ? 'domicile' : 'emargement'}-${depot.id}.pdf`,
      title,
      depotId: depot.id,
      table: {
        title,
        subtitle: [
          `${input.gardenName} — ${dates.map((date) => formatDay(date)).join(', ')}`,
          depot.homeDelivery
            ? 'Tournée : adresses et téléphones des adhérents livrés chez eux.'
            : `${addressLine(depot.address)} — ${depot.openingHours}`,
          `${here.reduce((sum, basket) => sum + basket.baskets, 0)} panier(s) ; les adhérents absents ne figurent pas sur cette feuille.`,
        ],
        columns: depot.homeDelivery
          ? [
              { header: 'Adhérent', width: 4 },
              { header: 'Adresse', width: 6 },
              { header: 'Téléphone', width: 3 },
              { header: 'Panier', width: 3 },
              { header: 'Livré', width: 2 },
            ]
          : [
              { header: 'Adhérent', width: 5 },
              { header: 'Panier', width: 3 },
              { header: 'Nb', width: 1, align: 'right' },
              { header: 'Remarques', width: 5 },
              { header: 'Signature', width: 4 },
            ],
        rows: here.map((basket) => {
          const member = input.members.get(basket.memberId);
          const name = member ? `${member.lastName} ${member.firstName}` : basket.memberId;
          const size = basketSizeLabels[basket.basketSize].fr;
          if (depot.homeDelivery) {
            const address = member?.address ? addressLine(member.address) : '';
            return [
              name,
              address,
              member?.phone ? formatPhone(member.phone) : '',
              `${basket.baskets} × ${size}`,
              '',
            ];
          }
          return [name, size, String(basket.baskets), member?.notes ?? '', ''];
        }),
        rowHeight: depot.homeDelivery ? 0 : 8,
        footer,
        empty: 'Aucun panier cette semaine.',
      },
    });
  }
  return documents;
}
