import { log } from '@temporalio/activity';
import type { IncidentReport } from '../domain/incidents.ts';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { IncidentStore } from '../adapters/store/incident-store.ts';

/** Telling a garden's staff that one of its processes needs them, in the inbox and by email. */
export function createIncidentActivities(deps: {
  incidents: IncidentStore;
  gardens: GardenRegistry;
  mailer: Mailer;
  publicUrl: string;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const inboxUrl = `${deps.publicUrl.replace(/\/+$/, '')}/equipe/a-valider`;

  async function emailStaff(report: IncidentReport): Promise<void> {
    const garden = await deps.gardens.get(report.gardenId);
    if (!garden) return;
    await deps.mailer.send({
      to: garden.contactEmail,
      subject: 'Cocagne : un traitement a besoin de vous',
      text: `Bonjour,\n\n${report.summary.fr}\n\nÀ voir dans « À valider » : ${inboxUrl}\n\nPour l'équipe technique : ${report.cause}\n\n— Cocagne, ${garden.name}`,
    });
  }

  return {
    /**
     * Puts the incident in the staff inbox, and emails the garden the first time. The email is
     * a courtesy: when the mail service is what fails, the inbox still shows the incident.
     */
    async reportIncident(report: IncidentReport): Promise<void> {
      const isNew = await deps.incidents.report(report, now().toISOString());
      if (!isNew) return;
      await emailStaff(report).catch((error: unknown) => {
        log.warn('incident email not sent', { key: report.key, error: String(error) });
      });
    },

    async resolveIncident(input: { gardenId: string; key: string }): Promise<void> {
      await deps.incidents.resolve(input.gardenId, input.key);
    },
  };
}
export type IncidentActivities = ReturnType<typeof createIncidentActivities>;
