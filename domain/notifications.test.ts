import { describe, expect, it } from 'vitest';
import { formatDay } from './calendar.ts';
import { locales } from './locale.ts';
import { memberLanguage } from './member.ts';
import {
  completeNotification,
  notificationKindLabels,
  notificationKinds,
  renderNotification,
  smsLength,
  toSmsText,
  type Notification,
  type NotificationCommon,
  type NotificationRequest,
  type NotificationKind,
} from './notifications.ts';

// Long but real names from the demo gardens: the SMS must still fit in one.
const common: NotificationCommon = {
  memberFirstName: 'Marie-Hélène',
  gardenName: 'Jardin de Cocagne du Pays de Vesoul',
  portalUrl: 'https://pays-de-vesoul.cocagne.org/adherent',
};
const depot = {
  depotName: 'Besançon – Planoise, maison de quartier',
  depotAddress: '6 rue de Cologne, 25000 Besançon',
  openingHours: '16 h 30 – 18 h 30',
};

type Samples = { [K in NotificationKind]: Extract<NotificationRequest, { kind: K }>['data'] };

/** One sample of each kind's data for members of the depot `at` (its other values the same for all). */
function samplesAt(at: typeof depot): Samples {
  return {
    'application-received': {
      depotName: at.depotName,
      startDate: '2026-12-02',
      basketSize: 'medium',
      frequency: 'fortnightly',
    },
    'subscription-approved': { ...at, startDate: '2026-12-02', basketSize: 'medium', frequency: 'weekly' },
    'subscription-rejected': { reason: 'Le dépôt choisi ferme en janvier.' },
    'subscription-waitlisted': { depotName: at.depotName },
    'delivery-reminder': { ...at, date: '2026-12-16', basketSize: 'large', baskets: 1 },
    'absence-confirmed': { dates: ['2026-12-16'], absencePolicy: 'donated' },
    'absence-withdrawn': { date: '2026-12-16', absencePolicy: 'donated' },
    'pause-confirmed': { from: '2026-12-23', until: '2027-01-13' },
    'resume-reminder': { resumeDate: '2027-01-13', depotName: at.depotName },
    'terms-changed': { effectiveFrom: '2027-01-06', depotName: at.depotName, basketSize: 'small' },
    'renewal-reminder': { endDate: '2027-03-31' },
    'subscription-renewed': { endDate: '2028-03-31' },
    'subscription-ended': { endDate: '2027-03-31' },
    'cancellation-acknowledged': {
      requestedAt: '2026-11-24T21:47:12.000Z',
      effectiveDate: '2026-12-31',
      origin: 'member',
      reason: 'Déménagement',
    },
    'payment-failed': {
      invoiceLabel: 'F-000042',
      amount: 6800,
      reason: { fr: 'Provision insuffisante sur le compte.', en: 'Insufficient funds on the account.' },
      nextAttempt: '2026-12-08',
      paymentMethodUrl: 'https://pays-de-vesoul.cocagne.org/adherent/paiement',
    },
    'payment-overdue': { invoiceLabel: 'F-000043', amount: 1700, dueOn: '2026-12-10' },
    'deliveries-suspended': { invoiceLabel: 'F-000042', amount: 6800, from: '2026-12-16' },
    'deliveries-resumed': { invoiceLabel: 'F-000042' },
    'delivery-window': { date: '2026-12-08', from: '17:10', to: '17:40' },
    'delivery-missed': { date: '2026-12-08', reason: 'absent' },
    'data-export-ready': {
      expiresOn: '2026-12-14',
      link: 'https://pays-de-vesoul.cocagne.org/adherent/mes-donnees',
    },
  };
}

const examples = samplesAt(depot);

/** A notification of this kind, with its sample data unless given, to Marie-Hélène unless told. */
function notificationOf(
  kind: NotificationKind,
  data: object = examples[kind],
  to: NotificationCommon = common,
): Notification {
  return completeNotification({ kind, data } as NotificationRequest, to);
}

const severalAbsences = notificationOf('absence-confirmed', {
  dates: ['2027-01-06', '2026-12-16', '2026-12-23'],
  absencePolicy: 'compensated',
});
const cancelledByStaff = notificationOf('cancellation-acknowledged', {
  requestedAt: '2026-11-24T09:05:00.000Z',
  effectiveDate: '2026-12-31',
  origin: 'staff',
});

const variants: Notification[] = [
  ...notificationKinds.map((kind) => notificationOf(kind)),
  notificationOf('delivery-reminder', { ...examples['delivery-reminder'], baskets: 2 }),
  notificationOf('delivery-reminder', { ...examples['delivery-reminder'], baskets: 3 }),
  notificationOf('subscription-rejected', { reason: '  ' }),
  severalAbsences,
  notificationOf('absence-confirmed', { dates: ['2026-12-16'], absencePolicy: 'compensated' }),
  notificationOf('terms-changed', { effectiveFrom: '2027-01-06' }),
  notificationOf('terms-changed', { effectiveFrom: '2027-01-06', basketSize: 'large' }),
  cancelledByStaff,
  notificationOf('payment-failed', { ...examples['payment-failed'], nextAttempt: undefined }),
];

describe('member notifications', () => {
  it('renders every kind in French and English, with no missing value', () => {
    for (const notification of variants) {
      for (const locale of locales) {
        const rendered = renderNotification(notification, locale);
        for (const [part, value] of Object.entries(rendered) as Array<[string, string]>) {
          expect(value, `${notification.kind} ${locale} ${part}`).not.toMatch(/undefined|NaN|null|\[object/);
          expect(value.trim(), `${notification.kind} ${locale} ${part}`).not.toBe('');
        }
        expect(
          rendered.text.startsWith(locale === 'fr' ? 'Bonjour Marie-Hélène,' : 'Hello Marie-Hélène,'),
        ).toBe(true);
        expect(rendered.text).toContain(common.gardenName);
      }
    }
    expect(Object.keys(notificationKindLabels).sort()).toEqual([...notificationKinds].sort());
  });

  it('ends every message with the member portal link (an SMS about a failed payment: the payment page)', () => {
    for (const notification of variants) {
      for (const locale of locales) {
        const rendered = renderNotification(notification, locale);
        expect(rendered.text.endsWith(common.portalUrl)).toBe(true);
        const smsLink =
          notification.kind === 'payment-failed' ? notification.data.paymentMethodUrl : common.portalUrl;
        expect(rendered.sms.endsWith(smsLink)).toBe(true);
        expect(rendered.html).toMatch(
          new RegExp(
            `<a href="${common.portalUrl}"[^>]*>${common.portalUrl}</a></p>\\s*</div></body></html>$`,
          ),
        );
      }
    }
  });

  it('gives the payment page as a link to click in the email about a failed payment', () => {
    const rendered = renderNotification(notificationOf('payment-failed'), 'fr');
    expect(rendered.html).toContain(
      '<a href="https://pays-de-vesoul.cocagne.org/adherent/paiement" style="color:#4f6b2a;">Mettre à jour mon moyen de paiement</a>',
    );
    expect(rendered.text).toContain(
      'Mettre à jour mon moyen de paiement :\nhttps://pays-de-vesoul.cocagne.org/adherent/paiement',
    );
  });

  it('says why deliveries resume: paid, or closed by the team', () => {
    expect(renderNotification(notificationOf('deliveries-resumed'), 'fr').text).toContain(
      'Merci : la facture F-000042 est réglée',
    );
    const closed = renderNotification(
      notificationOf('deliveries-resumed', { invoiceLabel: 'F-000042', writtenOff: true }),
      'fr',
    );
    expect(closed.text).toContain("L'équipe du jardin a clos la facture F-000042");
    expect(closed.text).not.toContain('réglée');
    expect(closed.sms).toContain('facture F-000042 close par');
  });

  it('keeps each SMS to one GSM message with realistic data', () => {
    for (const notification of variants) {
      for (const locale of locales) {
        const { sms } = renderNotification(notification, locale);
        expect(smsLength(sms), `${notification.kind} ${locale}: ${sms}`).toMatchObject({
          encoding: 'gsm7',
          segments: 1,
        });
        expect(sms.length).toBeLessThanOrEqual(160);
      }
    }
  });

  it('keeps the richest SMS that fits: garden and first name when room allows', () => {
    const short = completeNotification(
      { kind: 'renewal-reminder', data: { endDate: '2027-03-31' } },
      { memberFirstName: 'Léa', gardenName: 'Jardin de Cocagne', portalUrl: 'https://c.org/adherent' },
    );
    expect(renderNotification(short).sms).toBe(
      'Jardin de Cocagne : Léa, votre abonnement se termine le mercredi 31 mars 2027. ' +
        'Pour garder vos paniers, renouvelez-le ici : https://c.org/adherent',
    );
  });

  it('writes SMS in the GSM alphabet, keeping characters that have no plain form', () => {
    expect(toSmsText('L’été « bio » – crème brûlée, Noël, cœur')).toBe(
      'L\'été "bio" - crème brulée, Noel, coeur',
    );
    expect(smsLength('é'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength('€'.repeat(81))).toMatchObject({ encoding: 'gsm7', units: 162, segments: 2 });
    expect(toSmsText('Zhāng 张')).toBe('Zhang 张');
    expect(smsLength('Zhang 张')).toMatchObject({ encoding: 'ucs2', segments: 1 });
  });

  it('leaves out a blank rejection reason', () => {
    const rendered = renderNotification(notificationOf('subscription-rejected', { reason: '  ' }), 'fr');
    expect(rendered.text).not.toContain('Motif');
    expect(rendered.sms).not.toContain('Motif');
  });

  it('sends a rejection reason too long for one SMS over several rather than dropping it', () => {
    const reason = 'Nous ne livrons pas encore votre commune. '.repeat(4).trim();
    const rendered = renderNotification(notificationOf('subscription-rejected', { reason }), 'fr');
    expect(rendered.sms).toContain(`Motif : ${reason}`);
    expect(smsLength(rendered.sms)).toMatchObject({ encoding: 'gsm7', segments: 2 });
  });

  it('escapes member data in HTML', () => {
    const notification = completeNotification(
      { kind: 'subscription-rejected', data: { reason: '<script>alert("x")</script> & co' } },
      { ...common, memberFirstName: 'Jo <b>"Le Grand"</b>', gardenName: "L'Atelier & <i>Jardin</i>" },
    );
    for (const locale of locales) {
      const { html, text, subject } = renderNotification(notification, locale);
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<b>');
      expect(html).not.toContain('<i>');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
      expect(html).toContain('Jo &lt;b&gt;&quot;Le Grand&quot;&lt;/b&gt;');
      expect(html).toContain('L&#39;Atelier &amp; &lt;i&gt;Jardin&lt;/i&gt;');
      // Plain text stays plain.
      expect(text).toContain('<script>alert("x")</script> & co');
      expect(subject).not.toContain('&amp;');
    }
  });

  it('acknowledges an application at once: what was asked for, that staff decide, names escaped in HTML', () => {
    const notification = completeNotification(
      {
        kind: 'application-received',
        data: {
          depotName: 'Chez <b>Léa</b>',
          startDate: '2026-12-01',
          basketSize: 'large',
          frequency: 'weekly',
        },
      },
      { ...common, memberFirstName: 'Rosa <i>B.</i>', gardenName: 'Jardin & <u>Co</u>' },
    );
    const fr = renderNotification(notification, 'fr');
    expect(fr.subject).toBe("Nous avons bien reçu votre demande d'abonnement");
    expect(fr.text).toContain('Bonjour Rosa <i>B.</i>');
    expect(fr.text).toContain('ne commence qu');
    expect(fr.text).toContain('mardi 1 décembre 2026');
    expect(fr.text).toContain('Grand panier');
    expect(fr.text).toContain('Chaque semaine');
    expect(fr.html).toContain('Rosa &lt;i&gt;B.&lt;/i&gt;');
    expect(fr.html).toContain('Chez &lt;b&gt;Léa&lt;/b&gt;');
    expect(fr.html).toContain('Jardin &amp; &lt;u&gt;Co&lt;/u&gt;');
    expect(fr.html).not.toMatch(/<(b|i|u)>/);
    const en = renderNotification(notification, 'en');
    expect(en.subject).toBe('We have received your subscription application');
    expect(en.text).toContain('starts only once it is approved');
  });

  it('says when a cancellation was received (day and time in Paris) and when it takes effect', () => {
    const notification = notificationOf('cancellation-acknowledged');
    const fr = renderNotification(notification, 'fr');
    // 21:47 UTC on 24 November is 22:47 in Paris (winter time).
    expect(fr.text).toContain(
      'Nous avons bien reçu votre demande de résiliation le mardi 24 novembre 2026 à 22 h 47 (heure de Paris).',
    );
    expect(fr.text).toContain('La résiliation prend effet le jeudi 31 décembre 2026');
    expect(fr.text).toContain('Motif : Déménagement');
    expect(fr.html).toContain('mardi 24 novembre 2026 à 22 h 47');
    expect(fr.sms).toContain('24 novembre');
    expect(fr.sms).toContain('22 h 47');
    expect(fr.sms).toContain('31 décembre');
    expect(fr.sms).toContain('résiliation recue');
    const en = renderNotification(notification, 'en');
    expect(en.text).toContain(`on ${formatDay('2026-11-24', 'en')} at 22:47 (Paris time)`);
    expect(en.text).toContain(`takes effect on ${formatDay('2026-12-31', 'en')}`);

    // Near midnight in Paris, the day is Paris's, not UTC's.
    const lateNight = notificationOf('cancellation-acknowledged', {
      requestedAt: '2026-06-30T22:30:00.000Z',
      effectiveDate: '2026-07-31',
      origin: 'member',
    });
    expect(renderNotification(lateNight, 'fr').text).toContain('le mercredi 1 juillet 2026 à 00 h 30');
    const byStaff = renderNotification(cancelledByStaff, 'fr');
    expect(byStaff.text).toContain("L'équipe du jardin a enregistré la résiliation");
    expect(byStaff.text).not.toContain('Motif');
  });

  it('names the basket, the depot and the pick-up hours in a delivery reminder', () => {
    const fr = renderNotification(notificationOf('delivery-reminder'), 'fr');
    expect(fr.subject).toBe('Votre panier du mercredi 16 décembre 2026');
    expect(fr.text).toContain('Panier : Grand panier');
    expect(fr.text).toContain('Adresse : 6 rue de Cologne, 25000 Besançon');
    expect(fr.text).toContain('Horaires de retrait : 16 h 30 – 18 h 30');
    const two = renderNotification(
      notificationOf('delivery-reminder', { ...examples['delivery-reminder'], baskets: 2 }),
      'en',
    );
    expect(two.subject).toBe(`Your 2 baskets on ${formatDay('2026-12-16', 'en')}`);
    expect(two.text).toContain('Basket: Large basket × 2');
    expect(two.text).toContain('your usual basket, and another one to make up for an absence');
    const three = renderNotification(
      notificationOf('delivery-reminder', { ...examples['delivery-reminder'], baskets: 3 }),
      'fr',
    );
    expect(three.text).toContain('votre panier habituel, et 2 autres pour compenser des absences');
    expect(three.sms).toContain('3 paniers');
  });

  it('lists several absences in date order and says what happens to the baskets', () => {
    const several = renderNotification(severalAbsences, 'fr');
    expect(several.text).toContain(
      '- mercredi 16 décembre 2026\n- mercredi 23 décembre 2026\n- mercredi 6 janvier 2027',
    );
    expect(several.text).toContain('un panier en plus');
    expect(several.html).toContain('<li>mercredi 16 décembre 2026</li>');
    const donated = renderNotification(notificationOf('absence-confirmed'), 'fr');
    expect(donated.text).toContain('sera donné');
  });

  it('says when deliveries stop and resume for a pause', () => {
    const fr = renderNotification(notificationOf('pause-confirmed'), 'fr');
    expect(fr.text).toContain('pas de panier à partir du mercredi 23 décembre 2026');
    expect(fr.text).toContain('reprennent le mercredi 13 janvier 2027');
  });

  describe("in the member's language", () => {
    // Data with nothing French in it, so any French left in an English message is the template's.
    const plain: NotificationCommon = {
      memberFirstName: 'Ann',
      gardenName: 'Green Valley Garden',
      portalUrl: 'https://green-valley.example.org/adherent',
    };
    const plainDepot = {
      depotName: 'Market Hall',
      depotAddress: '6 Main Street, 25000 Besancon',
      openingHours: '17:00 to 19:00',
    };
    const atPlainDepot = samplesAt(plainDepot);
    const plainData: Samples = {
      ...atPlainDepot,
      'subscription-rejected': { reason: 'The depot closes in January.' },
      'delivery-reminder': { ...atPlainDepot['delivery-reminder'], baskets: 2 },
      'cancellation-acknowledged': { ...atPlainDepot['cancellation-acknowledged'], reason: 'Moving house' },
      'payment-failed': {
        ...atPlainDepot['payment-failed'],
        paymentMethodUrl: 'https://green-valley.example.org/pay',
      },
    };
    const french =
      /[àâçéèêëîïôûùüÿœ«»’]|\b(le|la|les|du|des|au|aux|votre|vos|vous|nous|panier|paniers|abonnement|facture|merci|bonjour)\b/i;

    it('writes every kind to a member who reads English in English, subject, email and SMS, with no French left', () => {
      const locale = memberLanguage({ language: 'en' });
      expect(locale).toBe('en');
      for (const kind of notificationKinds) {
        const notification = notificationOf(kind, plainData[kind], plain);
        const english = renderNotification(notification, locale);
        const inFrench = renderNotification(notification, 'fr');
        for (const part of ['subject', 'text', 'html', 'sms'] as const) {
          expect(english[part], `${kind} ${part}`).not.toMatch(french);
          expect(english[part], `${kind} ${part}`).not.toMatch(/undefined|NaN|null|\[object/);
          // A wording left in French only would read the same in both languages.
          expect(english[part], `${kind} ${part}: the same in both languages`).not.toBe(inFrench[part]);
        }
        expect(english.text.startsWith('Hello Ann,'), kind).toBe(true);
        expect(english.html, kind).toContain('<html lang="en">');
      }
    });

    it('writes in French to a member who chose it or never chose (members recorded before the choice existed)', () => {
      for (const member of [{}, { language: 'fr' }, { language: undefined }]) {
        const locale = memberLanguage(member);
        expect(locale).toBe('fr');
        for (const kind of notificationKinds) {
          const rendered = renderNotification(notificationOf(kind, plainData[kind], plain), locale);
          expect(rendered.text.startsWith('Bonjour Ann,'), kind).toBe(true);
          expect(rendered.html, kind).toContain('<html lang="fr">');
        }
      }
      // Whatever a stored record holds, the message goes out, in French.
      expect(memberLanguage({ language: 'de' })).toBe('fr');
    });
  });
});
