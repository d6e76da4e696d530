import { proxyActivities } from '@temporalio/workflow';
import type { GardenConfigurationActivities } from '../../activities/garden-configuration-activities.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';
import type { GardenConfigurationCopyInput } from './contract.ts';

const { copyGardenConfiguration } = proxyActivities<GardenConfigurationActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/**
 * Copies a garden's settings to its configuration JSON in S3 after a change, so that the
 * disaster-recovery copy follows what staff save. When S3 stays unreachable, staff hear of it
 * (an incident) and the copy is tried again later, never dropped.
 */
export async function gardenConfigurationCopy(input: GardenConfigurationCopyInput): Promise<string> {
  const persevere = createPerseverance();
  return persevere(
    {
      gardenId: input.gardenId,
      name: 'copy-configuration',
      what: {
        fr: 'Sauvegarder la configuration du jardin (copie de secours dans S3)',
        en: "Save the garden's configuration (the backup copy in S3)",
      },
      subject: {},
    },
    () => copyGardenConfiguration({ gardenId: input.gardenId }),
  );
}
