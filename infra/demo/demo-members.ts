import { addDays, nextWeekday, type IsoDate } from '../../domain/calendar.ts';
import { isDeliveryDay, seasonOf, type DeliveryCalendarInput } from '../../domain/delivery-calendar.ts';
import type { MemberInput } from '../../domain/member.ts';
import type { BasketSize, Frequency } from '../../domain/subscription.ts';
import { demoDepots } from './demo-gardens.ts';

/**
 * Demo members and their subscriptions, generated deterministically (the same every time,
 * so seeding twice finds them already there). Phone numbers are in the range ARCEP keeps for
 * fiction (06 39 98 xx xx); emails use the reserved exemple.fr domain.
 */
const firstNames = [
  'Sophie',
  'Lucas',
  'Emma',
  'Hugo',
  'Léa',
  'Louis',
  'Chloé',
  'Gabriel',
  'Manon',
  'Jules',
  'Camille',
  'Arthur',
  'Inès',
  'Nathan',
  'Jade',
  'Paul',
  'Louise',
  'Théo',
  'Alice',
  'Raphaël',
  'Lina',
  'Tom',
  'Zoé',
  'Sacha',
  'Anna',
  'Noé',
  'Rose',
  'Martin',
  'Margaux',
  'Mathis',
];
const lastNames = [
  'Girardot',
  'Vuillemin',
  'Jeannin',
  'Grosjean',
  'Bourgeois',
  'Faivre',
  'Mougin',
  'Chopard',
  'Vernier',
  'Perrin',
  'Bailly',
  'Boillot',
  'Pourcelot',
  'Guyon',
  'Cattin',
  'Jacquot',
  'Tissot',
  'Prost',
  'Billot',
  'Courvoisier',
  'Donzé',
  'Humbert',
  'Maire',
  'Monnier',
  'Nicolet',
  'Parrenin',
  'Pernot',
  'Racine',
  'Sauget',
  'Tournier',
  'Viennet',
  'Besson',
  'Maréchal',
  'Gauthier',
  'Cuenot',
  'Belot',
  'Bouveret',
  'Chapuis',
  'Droz',
  'Fleury',
  'Genevard',
  'Journot',
  'Lhomme',
  'Magnin',
  'Ménétrier',
  'Oudot',
  'Petetin',
  'Quenot',
  'Roy',
  'Simonin',
  'Thiébaud',
  'Vauthier',
  'Amiot',
  'Barthod',
  'Cretin',
  'Demougeot',
  'Étienne',
  'Frésard',
  'Guillemin',
  'Hennequin',
];
const streets = [
  'rue des Tilleuls',
  'rue de la Gare',
  'chemin des Vignes',
  'rue Pasteur',
  'avenue Victor-Hugo',
  'rue du Stade',
  'impasse des Lilas',
  'rue de l’Église',
  'rue des Écoles',
  'chemin du Moulin',
];
const basketCycle: BasketSize[] = ['medium', 'small', 'large', 'medium', 'small'];
const frequencyCycle: Frequency[] = ['weekly', 'weekly', 'fortnightly'];

const rejectionReasons = [
  'Le dépôt d’Ornans est complet pour cette saison ; nous vous proposons Saint-Vit.',
  'Adhésion en double : un abonnement existe déjà pour ce foyer.',
  'Adresse hors de la zone desservie par nos tournées.',
];

/** What happens to a demo member's subscription once it is approved. */
export type DemoAftermath = 'absences' | 'pause' | 'cancellation';

export type DemoSubscriptionPlan =
  | { state: 'active'; startDate: IsoDate; then?: DemoAftermath }
  /** Approved in a past season, never renewed: it has ended. */
  | { state: 'ended'; startDate: IsoDate }
  | { state: 'pending'; startDate: IsoDate }
  | { state: 'waitlisted'; startDate: IsoDate }
  | { state: 'rejected'; startDate: IsoDate; reason: string }
  | { state: 'none' };

export interface DemoMember {
  id: string;
  input: MemberInput;
  depotId: string;
  basketSize: BasketSize;
  frequency: Frequency;
  plan: DemoSubscriptionPlan;
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** The depot's delivery days from `from` on (open weeks of a season), at most `count`. */
function deliveryDaysFrom(
  calendar: DeliveryCalendarInput,
  weekday: number,
  from: IsoDate,
  count: number,
): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = nextWeekday(from, weekday); days.length < count && day < addDays(from, 550);) {
    if (isDeliveryDay(calendar, weekday, day)) days.push(day);
    day = addDays(day, 7);
  }
  return days;
}

/**
 * `count` members of a garden. The first one is the demo member account's own record
 * (its name is given so it matches the Keycloak account). Every date comes from the garden's
 * calendar as it stands on `today`: subscriptions that run started within the current season
 * (so none has ended by its season's close), applications start on a delivery day to come.
 */
export function demoMembers(
  gardenId: string,
  count: number,
  today: IsoDate,
  idPrefix: string,
  firstMember: { firstName: string; lastName: string },
  calendar: DeliveryCalendarInput,
): DemoMember[] {
  const depots = demoDepots[gardenId] ?? [];
  const members: DemoMember[] = [];
  const season = seasonOf(calendar, today);
  for (let index = 0; index < count; index++) {
    const depot = depots[index % depots.length];
    if (!depot) break;
    const firstName =
      index === 0 ? firstMember.firstName : (firstNames[(index * 7) % firstNames.length] ?? 'Alex');
    const lastName = index === 0 ? firstMember.lastName : (lastNames[index % lastNames.length] ?? 'Martin');
    const input: MemberInput = {
      firstName,
      lastName,
      email: `${fold(firstName)}.${fold(lastName)}@exemple.fr`,
      phone: `+3363998${String(index).padStart(4, '0')}`,
      address: {
        street: `${(index % 40) + 1} ${streets[index % streets.length] ?? 'rue Principale'}`,
        postalCode: depot.address.postalCode,
        city: depot.address.city,
      },
      householdSize: (index % 4) + 1,
    };
    const share = index / count;
    // Applications start on one of the depot's next delivery days, a week from now at least.
    const coming = (rank: number) =>
      deliveryDaysFrom(calendar, depot.deliveryWeekday, addDays(today, 7), rank)[rank - 1] ??
      nextWeekday(addDays(today, 7 * rank), depot.deliveryWeekday);
    let plan: DemoSubscriptionPlan;
    if (index === Math.floor(count * 0.3)) {
      plan = { state: 'ended', startDate: nextWeekday(addDays(today, -420), depot.deliveryWeekday) };
    } else if (share < 0.68) {
      // Active since a delivery day some weeks ago, within this season; a few have absences,
      // a pause or a notice.
      const weeksAgo = 2 + (index % 12);
      const wanted = addDays(today, -7 * weeksAgo);
      const earliest = season?.start ?? today;
      const then: DemoAftermath | undefined =
        index === 0 || index % 10 === 6
          ? 'absences'
          : index % 10 === 3
            ? 'pause'
            : index === Math.floor(count * 0.2)
              ? 'cancellation'
              : undefined;
      plan = {
        state: 'active',
        startDate: nextWeekday(wanted > earliest ? wanted : earliest, depot.deliveryWeekday),
        ...(then ? { then } : {}),
      };
    } else if (share < 0.82) {
      plan = { state: 'pending', startDate: coming(1 + (index % 3)) };
    } else if (share < 0.86) {
      plan = { state: 'waitlisted', startDate: coming(2) };
    } else if (share < 0.91) {
      plan = {
        state: 'rejected',
        startDate: coming(1),
        reason: rejectionReasons[index % rejectionReasons.length] ?? 'Dépôt complet.',
      };
    } else {
      plan = { state: 'none' };
    }
    members.push({
      id: `${idPrefix}-${String(index + 1).padStart(4, '0')}`,
      input,
      depotId: depot.id,
      basketSize: basketCycle[index % basketCycle.length] ?? 'medium',
      frequency: frequencyCycle[index % frequencyCycle.length] ?? 'weekly',
      plan,
    });
  }
  return members;
}
