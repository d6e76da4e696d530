import type {
  CallFigures,
  ExtensionVersionRecord,
  TestVectors,
} from '../../../../domain/extension-rollout.ts';
import type { ExtensionManifest, GardenExtensionSet } from '../../../../domain/extensions/catalogue.ts';
import type { Localized } from '../../../../domain/locale.ts';
import { request } from '../../api-client/request.ts';

/** One version as GET /extensions gives it: its record and how its calls went. */
export type ExtensionVersionView = ExtensionVersionRecord & {
  figures: CallFigures & { failureRate: number };
};

/** Where an extension's rollout stands (its workflow), or null when it cannot be asked now. */
export interface RolloutStatus {
  phase: string;
  version?: string;
  active?: string;
  previous?: string;
  queue: string[];
  probationEndsAt?: string;
  outcome?: { version: string; result: string; reason?: Localized };
}

export interface ExtensionsView {
  active: Omit<GardenExtensionSet, 'gardenId'>;
  hooks: Array<{ name: string; version: number; summary: string }>;
  extensions: Array<{ name: string; rollout: RolloutStatus | null; versions: ExtensionVersionView[] }>;
}

/** What a garden admin uploads: the module (base64), its manifest and its test vectors. */
export interface ExtensionUpload {
  manifest: ExtensionManifest;
  testVectors: TestVectors;
  module: string;
}

export interface UploadAnswer {
  name: string;
  version: string;
  contentHash: string;
  status: string;
  created: boolean;
}

const base = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/extensions`;
const versionPath = (gardenId: string, name: string, version: string) =>
  `${base(gardenId)}/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;

/** The page says itself what failed: no toasts from these calls. */
export const getExtensions = (gardenId: string) =>
  request<ExtensionsView>('GET', base(gardenId), { toast: false });

export const uploadExtension = (gardenId: string, upload: ExtensionUpload) =>
  request<UploadAnswer>('POST', base(gardenId), { body: upload, toast: false });

export const approveVersion = (gardenId: string, name: string, version: string) =>
  request<RolloutStatus>('POST', `${versionPath(gardenId, name, version)}/approve`, { toast: false });

export const rejectVersion = (gardenId: string, name: string, version: string, reason: string) =>
  request<RolloutStatus>('POST', `${versionPath(gardenId, name, version)}/reject`, {
    body: { reason },
    toast: false,
  });

/** Back to the version before the active one (or the built-in behaviour), at once. */
export const rollBack = (gardenId: string, name: string, version: string) =>
  request<RolloutStatus>('POST', `${base(gardenId)}/${encodeURIComponent(name)}/rollback`, {
    body: { version },
    toast: false,
  });

/** A file's bytes as base64, as the upload sends the module. */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}
