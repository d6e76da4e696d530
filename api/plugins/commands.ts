import fp from 'fastify-plugin';
import type { ExtensionCommands } from '../../temporal/extension-client.ts';
import type { GardenSettingsCommands } from '../../temporal/garden-settings-client.ts';
import type { IncidentCommands } from '../../temporal/incident-client.ts';
import type { Inbox } from '../../temporal/inbox.ts';
import type { RoundCommands } from '../../temporal/round-client.ts';
import type { SubscriptionCommands } from '../../temporal/subscription-client.ts';
import type { TermsNoticeCommands } from '../../temporal/terms-notice-client.ts';
import type { MemberErasureCommands } from '../../temporal/member-erasure-client.ts';
import type { WeekCommands } from '../../temporal/week-client.ts';
import type { WeekSchedules } from '../../temporal/week-schedules.ts';

/** The garden's processes (Temporal workflows) that routes start, update or ask. */
export interface GardenCommands {
  subscriptions: SubscriptionCommands;
  /** Tells running processes that the calendar or the rules changed. */
  gardenSettings: GardenSettingsCommands;
  weeks: WeekCommands;
  weekSchedules: WeekSchedules;
  /** Staff's word to stalled processes (incidents). */
  incidents: IncidentCommands;
  /** The delivery rounds of each day: plan, approve, pins, drivers' marks. */
  rounds: RoundCommands;
  /** Which processes wait on staff (the `WaitingOn` search attribute). */
  inbox: Inbox;
  /** Each garden's extension rollouts: upload, approve, reject, roll back. */
  extensions: ExtensionCommands;
  /** Emails members about a substantial new version of the terms (CGV, privacy policy). */
  termsNotices: TermsNoticeCommands;
  /** Members' erasure requests (RGPD article 17): started, answered by staff. */
  erasures: MemberErasureCommands;
}

declare module 'fastify' {
  interface FastifyInstance {
    commands: GardenCommands;
  }
}

export const commandsPlugin = fp<{ commands: GardenCommands }>(
  async (app, options) => {
    app.decorate('commands', options.commands);
  },
  { name: 'commands' },
);
