import type { Garden } from '../../../domain/garden.ts';
import type { Identity } from '../../../domain/views.ts';
import { request } from './request.ts';

export type { Identity };

export const fetchMe = () => request<Identity>('GET', '/me', { toast: false });

export const fetchGarden = (gardenId: string) =>
  request<Garden>('GET', `/gardens/${encodeURIComponent(gardenId)}`, { toast: false });
