import type { GardenState, OperationState, StepState } from '../../../../domain/garden-provisioning.ts';

/** A sign beside each word, so a state never rests on colour alone. */
export const stepSigns: Record<StepState, string> = {
  pending: '○',
  running: '◔',
  done: '✓',
  failed: '✕',
  compensating: '↺',
  compensated: '⊘',
};

export const operationSigns: Record<OperationState, string> = {
  running: '◔',
  waiting: '⏸',
  compensating: '↺',
  done: '✓',
  'rolled-back': '⊘',
};

export const gardenStateSigns: Record<GardenState, string> = {
  provisioning: '◔',
  active: '✓',
  suspended: '‖',
  retiring: '↘',
  retired: '■',
};

/** The badge's colours, borrowed from the subscription states that read alike. */
export const gardenStateBadges: Record<GardenState, string> = {
  provisioning: 'badge-pending',
  active: 'badge-active',
  suspended: 'badge-paused',
  retiring: 'badge-paused',
  retired: 'badge-ended',
};

/** How long a step took, as people read it: « 4 s », « 2 min 05 s », « 1 h 02 min ». */
export function durationText(startedAt: string | undefined, endedAt: string | undefined): string | undefined {
  if (!startedAt || !endedAt) return undefined;
  const seconds = Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));
  if (!Number.isFinite(seconds)) return undefined;
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The i18n key of a time zone (`Indian/Reunion` → `reunion`). */
export function timeZoneKey(zone: string): string {
  return (zone.split('/')[1] ?? zone).toLowerCase();
}
