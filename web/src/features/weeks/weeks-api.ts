import type { BasketCounts, CompositionInput, WeekComposition } from '../../../../domain/delivery-week.ts';
import type { BasketSize } from '../../../../domain/subscription.ts';
import { request, requestBlob, send } from '../../api-client/request.ts';

export type { BasketCounts, CompositionInput, WeekComposition };

export type WeekPhase = 'planning' | 'awaiting-composition' | 'printing' | 'ready' | 'done';

/** A printed document of the week: the harvest list (no depot) or a depot's sheet. */
export interface WeekDocument {
  name: string;
  title: string;
  depotId?: string;
}

/** A delivery week as GET /weeks/:week answers it. */
export interface WeekView {
  week: string;
  /** From the week's workflow while it runs; absent before it starts (and once it is over). */
  progress?: {
    phase: WeekPhase;
    planned: number;
    total: number;
    deadline?: string;
    approval?: { by: { userId: string; name: string }; at: string };
  };
  counts?: { total: BasketCounts; byDepot: Record<string, BasketCounts> };
  overCapacity: { depotId: string; baskets: number; capacity: number }[];
  absences: number;
  composition?: WeekComposition;
  documents: WeekDocument[];
}

/** One week of the history (GET /weeks), most recent first. */
export interface WeekSummary {
  week: string;
  total: BasketCounts;
  byDepot: Record<string, BasketCounts>;
  absences: number;
}

/** One line of a depot sheet: who collects what. */
export interface WeekBasket {
  date: string;
  depotId: string;
  memberId: string;
  memberName: string;
  basketSize: BasketSize;
  baskets: number;
  state: 'planned' | 'absent';
  notes?: string;
}

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;
const one = (gardenId: string, week: string) => `${garden(gardenId)}/weeks/${encodeURIComponent(week)}`;

/** Read by pages that say themselves what failed (and read again every second while it plans). */
export const getWeek = (gardenId: string, week: string) =>
  request<WeekView>('GET', one(gardenId, week), { toast: false });

export const listWeeks = (gardenId: string, limit = 12) =>
  request<WeekSummary[]>('GET', `${garden(gardenId)}/weeks`, { query: { limit }, toast: false });

export const weekBaskets = (gardenId: string, week: string) =>
  request<WeekBasket[]>('GET', `${one(gardenId, week)}/baskets`, { toast: false });

/** Starts the week's preparation now; `started` is false when it had already started. */
export async function prepareWeek(gardenId: string, week: string) {
  const answer = await send<{ started: boolean }>('POST', `${one(gardenId, week)}/preparation`, {
    toast: false,
  });
  return answer.data;
}

/** `version` is the one read (0 for a new composition): a change made meanwhile answers 409. */
export const saveComposition = (gardenId: string, week: string, baskets: CompositionInput, version: number) =>
  request<WeekComposition>('PUT', `${one(gardenId, week)}/composition`, {
    body: { ...baskets, version },
    toast: false,
  });

export const copyPreviousComposition = (gardenId: string, week: string) =>
  request<WeekComposition>('POST', `${one(gardenId, week)}/composition/copy-previous`, { toast: false });

/** A composition proposed by the garden's basket-composition hook (nothing saved). */
export interface CompositionProposal {
  baskets: CompositionInput;
  leftovers: Array<{ productId: string; quantity: number }>;
  /** `built-in`: no extension, or it failed (`failure`). */
  source: 'extension' | 'built-in';
  extension?: { name: string; version: string };
  failure?: { kind: string; message: string };
}

/** Asks for a composition from the week's harvest estimate (each product in its unit). */
export const proposeComposition = (
  gardenId: string,
  week: string,
  harvest: Array<{ productId: string; quantity: number }>,
) =>
  request<CompositionProposal>('POST', `${one(gardenId, week)}/composition/proposal`, {
    body: { harvest },
    toast: false,
  });

/** Answers once the documents are printed; a refusal (422) says why in a sentence. */
export const approveWeek = (gardenId: string, week: string) =>
  request<{ phase: string; documents: WeekDocument[] }>('POST', `${one(gardenId, week)}/approval`, {
    toast: false,
  });

export const weekDocument = (gardenId: string, week: string, name: string) =>
  requestBlob(`${one(gardenId, week)}/documents/${encodeURIComponent(name)}`, { toast: false });
