import { describe, expect, it } from 'vitest';
import { completeNotification, type NotificationCommon, type NotificationRequest } from './catalogue.ts';
import { renderNotification } from './render.ts';
import { smsLength } from './sms.ts';

const common: NotificationCommon = {
  memberFirstName: 'Marie-Hélène',
  gardenName: 'Jardin de Cocagne du Pays de Vesoul',
  portalUrl: 'https://pays-de-vesoul.cocagne.org/adherent',
};
const render = (request: NotificationRequest, locale: 'fr' | 'en' = 'fr') =>
  renderNotification(completeNotification(request, common), locale);

describe('what an absence notice says of each basket', () => {
  it('says a credited basket comes off the next invoice, in French and English, SMS in one message', () => {
    const request: NotificationRequest = {
      kind: 'absence-confirmed',
      data: { dates: ['2026-12-16'], absencePolicy: 'credited' },
    };
    const fr = render(request);
    expect(fr.text).toContain(
      'Le prix du panier de cette livraison vous sera crédité sur votre prochaine facture.',
    );
    expect(fr.sms).toContain('crédité sur votre prochaine facture');
    expect(smsLength(fr.sms).segments).toBe(1);
    expect(render(request, 'en').text).toContain(
      'The price of the basket for this delivery will be credited on your next invoice.',
    );
  });

  it('says it day by day when the days of one report have different outcomes', () => {
    const mixed = render(
      {
        kind: 'absence-confirmed',
        data: {
          dates: ['2026-12-23', '2026-12-16'],
          absencePolicy: 'donated',
          outcomes: ['donated', 'credited'],
        },
      },
      'en',
    );
    expect(mixed.text).toContain(
      'Wednesday, 16 December 2026: The price of the basket for this delivery will be credited on your next invoice. ' +
        'Wednesday, 23 December 2026: The basket for this delivery will be given away',
    );
  });

  it('says a credited absence taken back is not credited', () => {
    const fr = render({ kind: 'absence-withdrawn', data: { date: '2026-12-16', absencePolicy: 'credited' } });
    expect(fr.text).toContain('il ne vous sera donc pas crédité');
  });
});
