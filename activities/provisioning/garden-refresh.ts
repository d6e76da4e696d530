// A new release reaches the gardens the provisioning workflow deployed: the network worker of
// that release applies each one's objects again (its image, GARDEN_WORKER_IMAGE, and the
// profile's settings), so a garden created at run time never stays on the release it was born
// with. Gardens kept in Git are Flux's and are left to it. One garden that fails never stops the
// others: each is tried a few times, then counted for the alarm and logged.
import type { Garden } from '../../domain/garden.ts';
import type { GardenClusterPort, GardenIdentityPort } from './ports.ts';

export interface GardenRefreshPorts {
  gardens: { list(): Promise<Garden[]> };
  cluster: Pick<GardenClusterPort, 'apply' | 'deployedGardens'>;
  /**
   * The web client's sign-in addresses: each refreshed garden's own host is asserted again, so
   * one lost to two processes changing the client at once comes back with the next release.
   */
  identity?: Pick<GardenIdentityPort, 'allowSiteHost'>;
  log: (message: string) => void;
  /** A garden left as it was after its attempts (the process counts it for CloudWatch's alarm). */
  failed?: (gardenId: string) => void;
  /** Attempts per garden (3) and the wait before the second (doubled each time after). */
  attempts?: number;
  retryDelayMs?: number;
}

export interface GardenRefreshSummary {
  refreshed: string[];
  /** Deployed but leaving (retiring, retired: their workflow removes them) or unknown to the registry. */
  skipped: string[];
  failed: Array<{ gardenId: string; message: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function refreshDeployedGardens(ports: GardenRefreshPorts): Promise<GardenRefreshSummary> {
  const attempts = Math.max(1, ports.attempts ?? 3);
  const retryDelayMs = ports.retryDelayMs ?? 2_000;
  const [deployed, registered] = await Promise.all([ports.cluster.deployedGardens(), ports.gardens.list()]);
  const byId = new Map(registered.map((garden) => [garden.id, garden]));
  const summary: GardenRefreshSummary = { refreshed: [], skipped: [], failed: [] };
  for (const [index, gardenId] of deployed.entries()) {
    const garden = byId.get(gardenId);
    // Every garden whose worker runs (being created, active or suspended); one leaving is its
    // retirement's, and a namespace the registry does not know is left alone.
    if (!garden || garden.state === 'retiring' || garden.state === 'retired') {
      summary.skipped.push(gardenId);
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // Never its namespace again: a retirement that started meanwhile must not be undone.
        const applied = await ports.cluster.apply(gardenId, {
          hostName: garden.hostName,
          existingOnly: true,
        });
        (applied.length > 0 ? summary.refreshed : summary.skipped).push(gardenId);
        // Apart: Keycloak down makes no garden a failed one (its worker is on the release).
        if (applied.length > 0 && garden.hostName && ports.identity) {
          await ports.identity
            .allowSiteHost(garden.hostName)
            .catch((error: unknown) =>
              ports.log(
                `garden ${gardenId}: its host ${garden.hostName} not asserted among the sign-in addresses: ${error instanceof Error ? error.message : String(error)}`,
              ),
            );
        }
        break;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= attempts) {
          summary.failed.push({ gardenId, message });
          ports.failed?.(gardenId);
          ports.log(`garden ${gardenId} not brought to this release after ${attempts} attempts: ${message}`);
          break;
        }
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
    if ((index + 1) % 20 === 0)
      ports.log(`gardens brought to this release: ${index + 1} of ${deployed.length}`);
  }
  return summary;
}
