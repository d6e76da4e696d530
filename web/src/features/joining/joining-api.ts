import type { Season } from '../../../../domain/delivery-calendar.ts';
import type { GardenRules } from '../../../../domain/garden-rules.ts';
import type { MemberInput } from '../../../../domain/member.ts';
import type { OfferPrices } from '../../../../domain/pricing.ts';
import type { BasketSize, Frequency } from '../../../../domain/subscription.ts';
import type { SubscriptionView } from '../../../../domain/views.ts';
import { send, request } from '../../api-client/request.ts';

/** A garden of the network, as anyone may see it. */
export interface PublicGarden {
  id: string;
  name: string;
  city: string;
}

export interface OfferDepot {
  id: string;
  name: string;
  address: { street: string; postalCode: string; city: string };
  location: { lat: number; lng: number };
  deliveryWeekday: number;
  openingHours: string;
}

/** What a garden offers to people who want to join. */
export interface GardenOffer {
  garden: PublicGarden;
  depots: OfferDepot[];
  seasons: Season[];
  closedWeeks: string[];
  rules: Pick<GardenRules, 'maxAbsencesPerSeason' | 'absencePolicy' | 'cancellationNoticeDays' | 'renewal'>;
  /** Basket prices, solidarity tiers and membership fee, public before anyone applies. */
  prices: OfferPrices;
}

export interface ApplicationInput {
  /** Left out by someone who is already a member. */
  household?: MemberInput;
  subscription: { basketSize: BasketSize; frequency: Frequency; depotId: string; startDate: string };
  consent: true;
  /** Answers to the extra fields of the garden's sign-up-checks extension, by key. */
  answers?: Record<string, string | number | boolean>;
  /** The household's quotient familial (CAF), euros a month: the garden proposes a tier from it. */
  quotientFamilial?: number;
  /** The versions of the CGV and privacy policy the form showed (null: not published). */
  termsVersions?: { cgv: number | null; confidentialite: number | null };
  /** Optional consents ticked on the form. */
  optionalConsents?: { newsletter: boolean; photos: boolean; sms: boolean };
}

export interface ApplicationAnswer {
  subscription: SubscriptionView;
  /** The account now belongs to the garden as a member: its next token says so. */
  accountLinked: boolean;
}

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;

export const listGardens = () => request<PublicGarden[]>('GET', '/gardens', { toast: false });

export const getOffer = (gardenId: string) =>
  request<GardenOffer>('GET', `${garden(gardenId)}/offer`, { toast: false });

/** The form shows the refusal beside its fields: no toast. */
export async function applyOnline(gardenId: string, input: ApplicationInput) {
  const answer = await send<ApplicationAnswer>('POST', `${garden(gardenId)}/applications`, {
    body: input,
    toast: false,
  });
  return { ...answer.data, recorded: answer.status === 201 };
}
