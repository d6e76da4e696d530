import type { Depot } from '../../../domain/depot.ts';
import { request } from './request.ts';

export const listDepots = (gardenId: string) =>
  request<Depot[]>('GET', `/gardens/${encodeURIComponent(gardenId)}/depots`);
