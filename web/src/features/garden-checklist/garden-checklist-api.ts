import type { DeliveryCalendar } from '../../../../domain/delivery-calendar.ts';
import type { Depot } from '../../../../domain/depot.ts';
import type { Teammate } from '../../../../domain/garden-team.ts';
import type { Pricing } from '../../../../domain/pricing.ts';
import type { Product } from '../../../../domain/products.ts';
import { request } from '../../api-client/request.ts';

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;

/**
 * The pages' own reads, each asked once for the checklist. No toasts: when one fails, the
 * home page shows no checklist rather than a wrong one.
 */
export const readFacts = (gardenId: string) =>
  Promise.all([
    request<DeliveryCalendar>('GET', `${garden(gardenId)}/calendar`, { toast: false }),
    request<Depot[]>('GET', `${garden(gardenId)}/depots`, { toast: false }),
    request<Pricing>('GET', `${garden(gardenId)}/pricing`, { toast: false }),
    request<Product[]>('GET', `${garden(gardenId)}/products`, { toast: false }),
    request<Teammate[]>('GET', `${garden(gardenId)}/team`, { toast: false }),
  ]);
