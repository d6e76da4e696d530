import { gardenDay, gardenTimeZone } from '../calendar.ts';
import { basketSizeLabels, frequencyLabels } from '../subscription.ts';
import { capitalize, formatTime, timeZoneOf, wording, type Block, type Templates } from './wording.ts';

/** What the garden writes through a subscription's life: decision, pause, changes, renewal, end. */
export const subscriptionTemplates: Templates<
  | 'application-received'
  | 'subscription-approved'
  | 'subscription-rejected'
  | 'subscription-waitlisted'
  | 'pause-confirmed'
  | 'resume-reminder'
  | 'terms-changed'
  | 'renewal-reminder'
  | 'subscription-renewed'
  | 'subscription-ended'
  | 'cancellation-acknowledged'
> = {
  'application-received': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say(
        "Nous avons bien reçu votre demande d'abonnement",
        'We have received your subscription application',
      ),
      blocks: [
        say(
          `Merci ! Votre demande d'abonnement au jardin ${data.gardenName} est bien enregistrée. L'équipe du jardin l'étudie et vous répond par message : votre abonnement ne commence qu'une fois validé.`,
          `Thank you! Your subscription application to ${data.gardenName} is recorded. The garden's team will look at it and answer you by message: your subscription starts only once it is approved.`,
        ),
        {
          facts: [
            [say('Début souhaité', 'Wished start'), day(data.startDate)],
            [say('Panier', 'Basket'), basketSizeLabels[data.basketSize][locale]],
            [say('Fréquence', 'Frequency'), frequencyLabels[data.frequency][locale]],
            [say('Dépôt', 'Depot'), data.depotName],
          ],
        },
        say(
          'Vous pouvez suivre votre demande depuis votre espace adhérent.',
          'You can follow your application from your member area.',
        ),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `demande d'abonnement reçue${parts.details ? ` (début souhaité le ${smsDay(data.startDate)}, dépôt ${data.depotName})` : ''}. L'équipe vous répond bientôt.`,
            `subscription application received${parts.details ? ` (wished start ${smsDay(data.startDate)}, ${data.depotName} depot)` : ''}. The team will answer soon.`,
          ),
        ),
    };
  },

  'subscription-approved': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say('Votre abonnement est validé', 'Your subscription is confirmed'),
      blocks: [
        say(
          `Bonne nouvelle : votre demande d'abonnement est acceptée. Il commence le ${day(data.startDate)}.`,
          `Good news: your subscription application has been accepted. It starts on ${day(data.startDate)}.`,
        ),
        {
          facts: [
            [say('Début', 'Starts'), day(data.startDate)],
            [say('Panier', 'Basket'), basketSizeLabels[data.basketSize][locale]],
            [say('Fréquence', 'Frequency'), frequencyLabels[data.frequency][locale]],
            [say('Dépôt', 'Depot'), data.depotName],
            [say('Adresse', 'Address'), data.depotAddress],
            [say('Horaires de retrait', 'Pick-up hours'), data.openingHours],
          ],
        },
        say('Nous sommes heureux de vous compter parmi nos adhérents !', 'We are glad to have you with us!'),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `votre abonnement est validé ! Début le ${smsDay(data.startDate)} au dépôt ${data.depotName}${parts.details ? ` (${data.openingHours})` : ''}.`,
            `subscription confirmed! Starts ${smsDay(data.startDate)} at the ${data.depotName} depot${parts.details ? ` (${data.openingHours})` : ''}.`,
          ),
        ),
    };
  },

  'subscription-rejected': ({ data }, locale) => {
    const { say, start } = wording(data, locale);
    const reason = data.reason.trim();
    const withReason = reason !== '';
    return {
      subject: say("Votre demande d'abonnement", 'Your subscription application'),
      smsNeedsDetails: withReason,
      formal: true,
      blocks: [
        say(
          "Nous sommes désolés : nous ne pouvons pas donner suite à votre demande d'abonnement.",
          'We are sorry: we cannot accept your subscription application.',
        ),
        ...(withReason ? [say(`Motif : ${reason}`, `Reason: ${reason}`)] : []),
        say(
          "Si vous avez des questions, n'hésitez pas à nous contacter. Vous pourrez aussi refaire une demande plus tard.",
          'If you have any questions, please get in touch. You are welcome to apply again later.',
        ),
      ],
      sms: (parts) =>
        start(
          parts,
          say(
            `nous ne pouvons pas donner suite à votre demande d'abonnement.${parts.details && withReason ? ` Motif : ${reason}` : ''}`,
            `we cannot accept your subscription application.${parts.details && withReason ? ` Reason: ${reason}` : ''}`,
          ),
        ),
    };
  },

  'subscription-waitlisted': ({ data }, locale) => {
    const { say, start } = wording(data, locale);
    return {
      subject: say("Votre demande est sur liste d'attente", 'Your application is on the waiting list'),
      blocks: [
        say(
          `Merci pour votre demande d'abonnement ! Le dépôt ${data.depotName} est complet pour le moment : votre demande est sur liste d'attente.`,
          `Thank you for your subscription application! The ${data.depotName} depot is full for now, so your application is on the waiting list.`,
        ),
        say(
          "Nous vous prévenons dès qu'une place se libère ; vous n'avez rien à faire d'ici là.",
          'We will let you know as soon as a place frees up; there is nothing you need to do until then.',
        ),
      ],
      sms: (parts) =>
        start(
          parts,
          say(
            `le dépôt ${data.depotName} est complet : votre demande est sur liste d'attente.${parts.details ? " Nous vous prévenons dès qu'une place se libère." : ''}`,
            `the ${data.depotName} depot is full: your application is on the waiting list.${parts.details ? ' We will tell you when a place frees up.' : ''}`,
          ),
        ),
    };
  },

  'pause-confirmed': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say('Votre pause est confirmée', 'Your break is confirmed'),
      blocks: [
        say(
          `Votre pause est bien enregistrée : pas de panier à partir du ${day(data.from)}. Vos livraisons reprennent le ${day(data.until)}.`,
          `Your break is recorded: no baskets from ${day(data.from)}. Your deliveries resume on ${day(data.until)}.`,
        ),
        say('Profitez bien de cette pause !', 'Enjoy your break!'),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `pause notée : pas de panier à partir du ${smsDay(data.from)}, reprise le ${smsDay(data.until)}.`,
            `break recorded: no baskets from ${smsDay(data.from)}, back on ${smsDay(data.until)}.`,
          ),
        ),
    };
  },

  'resume-reminder': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say(
        `Vos paniers reprennent le ${day(data.resumeDate)}`,
        `Your baskets resume on ${day(data.resumeDate)}`,
      ),
      blocks: [
        say(
          `Votre pause se termine : vos livraisons reprennent le ${day(data.resumeDate)} au dépôt ${data.depotName}.`,
          `Your break is ending: your deliveries resume on ${day(data.resumeDate)} at the ${data.depotName} depot.`,
        ),
        say('Nous sommes contents de vous retrouver !', 'We look forward to seeing you again!'),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `fin de votre pause : vos paniers reprennent le ${smsDay(data.resumeDate)} au dépôt ${data.depotName}.`,
            `your break is ending: baskets resume on ${smsDay(data.resumeDate)} at the ${data.depotName} depot.`,
          ),
        ),
    };
  },

  'terms-changed': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const changes: string[] = [];
    if (data.depotName !== undefined) {
      changes.push(say(`dépôt : ${data.depotName}`, `depot: ${data.depotName}`));
    }
    if (data.basketSize !== undefined) {
      changes.push(
        say(
          `panier : ${basketSizeLabels[data.basketSize].fr}`,
          `basket: ${basketSizeLabels[data.basketSize].en}`,
        ),
      );
    }
    return {
      subject: say(
        `Votre abonnement change le ${day(data.effectiveFrom)}`,
        `Your subscription changes on ${day(data.effectiveFrom)}`,
      ),
      blocks:
        changes.length > 0
          ? [
              say(
                `Le changement de votre abonnement est enregistré. À partir du ${day(data.effectiveFrom)} :`,
                `The change to your subscription is recorded. From ${day(data.effectiveFrom)}:`,
              ),
              { list: changes.map(capitalize) },
              say('Le reste de votre abonnement ne change pas.', 'Everything else stays the same.'),
            ]
          : [
              say(
                `Le changement de votre abonnement est enregistré ; il prend effet le ${day(data.effectiveFrom)}.`,
                `The change to your subscription is recorded; it takes effect on ${day(data.effectiveFrom)}.`,
              ),
            ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `votre abonnement change à partir du ${smsDay(data.effectiveFrom)}`,
            `your subscription changes from ${smsDay(data.effectiveFrom)}`,
          ) + (changes.length > 0 && parts.details ? ` (${changes.join(', ')}).` : '.'),
        ),
    };
  },

  'renewal-reminder': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say(
        `Votre abonnement se termine le ${day(data.endDate)}`,
        `Your subscription ends on ${day(data.endDate)}`,
      ),
      blocks: [
        say(
          `Votre abonnement se termine le ${day(data.endDate)}. Pour continuer à recevoir vos paniers, pensez à le renouveler depuis votre espace adhérent.`,
          `Your subscription ends on ${day(data.endDate)}. To keep receiving your baskets, remember to renew it from your member area.`,
        ),
        say('Merci de votre fidélité !', 'Thank you for your loyalty!'),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `votre abonnement se termine le ${smsDay(data.endDate)}. Pour garder vos paniers, renouvelez-le ici :`,
            `your subscription ends on ${smsDay(data.endDate)}. To keep your baskets, renew it here:`,
          ),
        ),
    };
  },

  'subscription-renewed': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say('Votre abonnement est renouvelé', 'Your subscription is renewed'),
      blocks: [
        say(
          `Votre abonnement est renouvelé jusqu'au ${day(data.endDate)}.`,
          `Your subscription is renewed until ${day(data.endDate)}.`,
        ),
        say(
          "Merci de continuer l'aventure avec nous : votre soutien fait vivre le jardin !",
          'Thank you for staying with us: your support keeps the garden going!',
        ),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `votre abonnement est renouvelé jusqu'au ${smsDay(data.endDate)}.${parts.details ? ' Merci de votre fidélité !' : ''}`,
            `your subscription is renewed until ${smsDay(data.endDate)}.${parts.details ? ' Thank you!' : ''}`,
          ),
        ),
    };
  },

  'subscription-ended': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say('Votre abonnement prend fin', 'Your subscription is ending'),
      formal: true,
      blocks: [
        say(
          `Votre abonnement prend fin le ${day(data.endDate)}.`,
          `Your subscription ends on ${day(data.endDate)}.`,
        ),
        say(
          "Merci d'avoir soutenu le jardin et celles et ceux qui y travaillent. Vous pouvez vous réabonner à tout moment depuis votre espace adhérent.",
          'Thank you for supporting the garden and the people who work in it. You can subscribe again at any time from your member area.',
        ),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `votre abonnement prend fin le ${smsDay(data.endDate)}.${parts.details ? ' Merci pour votre soutien !' : ''}`,
            `your subscription ends on ${smsDay(data.endDate)}.${parts.details ? ' Thank you for your support!' : ''}`,
          ),
        ),
    };
  },

  'cancellation-acknowledged': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const received = new Date(data.requestedAt);
    const timeZone = timeZoneOf(data);
    const receivedDay = gardenDay(received, timeZone);
    const time = formatTime(received, locale, timeZone);
    const zone =
      timeZone === gardenTimeZone
        ? say('(heure de Paris)', '(Paris time)')
        : say(`(fuseau ${timeZone})`, `(${timeZone} time)`);
    const byMember = data.origin === 'member';
    const blocks: Block[] = [
      byMember
        ? say(
            `Nous avons bien reçu votre demande de résiliation le ${day(receivedDay)} à ${time} ${zone}.`,
            `We received your cancellation request on ${day(receivedDay)} at ${time} ${zone}.`,
          )
        : say(
            `L'équipe du jardin a enregistré la résiliation de votre abonnement le ${day(receivedDay)} à ${time} ${zone}.`,
            `The garden team recorded the cancellation of your subscription on ${day(receivedDay)} at ${time} ${zone}.`,
          ),
      say(
        `La résiliation prend effet le ${day(data.effectiveDate)} : les livraisons prévues jusqu'à cette date incluse sont maintenues.`,
        `The cancellation takes effect on ${day(data.effectiveDate)}: deliveries planned up to and including that day still happen.`,
      ),
    ];
    if (data.reason !== undefined && data.reason.trim() !== '') {
      blocks.push(say(`Motif : ${data.reason}`, `Reason: ${data.reason}`));
    }
    blocks.push({
      facts: [
        [
          say('Demande reçue le', 'Request received on'),
          say(`${day(receivedDay)} à ${time} ${zone}`, `${day(receivedDay)} at ${time} ${zone}`),
        ],
        [say('Prend effet le', 'Takes effect on'), day(data.effectiveDate)],
      ],
    });
    blocks.push(
      say(
        'Conservez ce message : il vaut accusé de réception. Merci pour le temps passé avec nous.',
        'Please keep this message as your acknowledgement of receipt. Thank you for the time you spent with us.',
      ),
    );
    return {
      subject: say('Accusé de réception de votre résiliation', 'Acknowledgement of your cancellation'),
      formal: true,
      blocks,
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `résiliation reçue le ${smsDay(receivedDay)} à ${time}, effective le ${smsDay(data.effectiveDate)}.`,
            `cancellation received on ${smsDay(receivedDay)} at ${time}, effective ${smsDay(data.effectiveDate)}.`,
          ),
        ),
    };
  },
};
