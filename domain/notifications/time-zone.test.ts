import { describe, expect, it } from 'vitest';
import { completeNotification, type NotificationCommon } from './catalogue.ts';
import { renderNotification } from './render.ts';

const common: NotificationCommon = {
  memberFirstName: 'Léa',
  gardenName: 'Jardin de Cocagne',
  portalUrl: 'https://cocagne.example/adherent',
};
const cancellation = {
  kind: 'cancellation-acknowledged',
  // 22:30 UTC on 30 June: 00:30 on 1 July in Paris, 02:30 on 1 July in Réunion.
  data: { requestedAt: '2026-06-30T22:30:00.000Z', effectiveDate: '2026-07-31', origin: 'member' },
} as const;

describe("a notice's hour", () => {
  it("is the garden's, from its time zone", () => {
    const text = renderNotification(
      completeNotification(cancellation, { ...common, timeZone: 'Indian/Reunion' }),
    ).text;
    expect(text).toContain('le mercredi 1 juillet 2026 à 02 h 30 (fuseau Indian/Reunion)');
  });

  it("is Paris's for a garden with none recorded, said as before", () => {
    for (const timeZone of [undefined, '', 'Europe/Paris']) {
      const text = renderNotification(completeNotification(cancellation, { ...common, timeZone })).text;
      expect(text).toContain('le mercredi 1 juillet 2026 à 00 h 30 (heure de Paris)');
    }
  });
});
