import { absenceOutcomes, basketSizeLabels, type AbsenceOutcome } from '../subscription.ts';
import { wording, type Templates } from './wording.ts';

/** What the garden writes about a delivery week: the reminder, and absences reported. */
export const deliveryTemplates: Templates<'delivery-reminder' | 'absence-confirmed' | 'absence-withdrawn'> = {
  'delivery-reminder': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const size = basketSizeLabels[data.basketSize][locale];
    const count = Math.max(1, Math.round(data.baskets));
    const extra = count - 1;
    const several = count > 1;
    const extraFr =
      extra === 1 ? 'un autre pour compenser une absence' : `${extra} autres pour compenser des absences`;
    const extraEn =
      extra === 1 ? 'another one to make up for an absence' : `${extra} more to make up for absences`;
    return {
      subject: several
        ? say(`Vos ${count} paniers du ${day(data.date)}`, `Your ${count} baskets on ${day(data.date)}`)
        : say(`Votre panier du ${day(data.date)}`, `Your basket on ${day(data.date)}`),
      blocks: [
        several
          ? say(
              `${count} paniers vous attendent le ${day(data.date)} au dépôt ${data.depotName} : votre panier habituel, et ${extraFr}.`,
              `${count} baskets are waiting for you on ${day(data.date)} at the ${data.depotName} depot: your usual basket, and ${extraEn}.`,
            )
          : say(
              `Votre panier vous attend le ${day(data.date)} au dépôt ${data.depotName}.`,
              `Your basket is waiting for you on ${day(data.date)} at the ${data.depotName} depot.`,
            ),
        {
          facts: [
            [say('Panier', 'Basket'), several ? `${size} × ${count}` : size],
            [say('Dépôt', 'Depot'), data.depotName],
            [say('Adresse', 'Address'), data.depotAddress],
            [say('Horaires de retrait', 'Pick-up hours'), data.openingHours],
          ],
        },
        say('Pensez à apporter vos sacs. Bonne dégustation !', 'Remember to bring your bags. Enjoy!'),
      ],
      sms: (parts, smsDay) => {
        const hours = parts.details ? `, ${data.openingHours}` : '';
        const why = parts.details
          ? say(` (dont ${extra} pour absence)`, ` (${extra} for ${extra === 1 ? 'an absence' : 'absences'})`)
          : '';
        return start(
          parts,
          several
            ? say(
                `vos ${count} paniers${why} vous attendent le ${smsDay(data.date)} au dépôt ${data.depotName}${hours}.`,
                `your ${count} baskets${why} are waiting on ${smsDay(data.date)} at the ${data.depotName} depot${hours}.`,
              )
            : say(
                `votre panier vous attend le ${smsDay(data.date)} au dépôt ${data.depotName}${hours}.`,
                `your basket is waiting on ${smsDay(data.date)} at the ${data.depotName} depot${hours}.`,
              ),
        );
      },
    };
  },

  'absence-confirmed': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const dates = [...data.dates].sort();
    const several = dates.length > 1;
    const first = dates[0] ?? '';
    const last = dates[dates.length - 1] ?? '';
    // Each day's outcome (a report's days may differ when the garden's extension decided so).
    const outcomeOf = (date: string): AbsenceOutcome =>
      data.outcomes?.[data.dates.indexOf(date)] ?? data.absencePolicy;
    const groups = absenceOutcomes
      .map((outcome) => ({ outcome, days: dates.filter((date) => outcomeOf(date) === outcome) }))
      .filter((group) => group.days.length > 0)
      .sort((a, b) => (a.days[0] ?? '').localeCompare(b.days[0] ?? ''));
    const sentence = (outcome: AbsenceOutcome, plural: boolean) => {
      switch (outcome) {
        case 'donated':
          return plural
            ? say(
                'Les paniers de ces livraisons seront donnés : ils ne sont pas remplacés.',
                'The baskets for these deliveries will be given away: they are not replaced.',
              )
            : say(
                'Le panier de cette livraison sera donné : il n’est pas remplacé.',
                'The basket for this delivery will be given away: it is not replaced.',
              );
        case 'compensated':
          return plural
            ? say(
                'Vous recevrez un panier en plus lors de prochaines livraisons pour compenser.',
                'You will receive extra baskets at later deliveries to make up for them.',
              )
            : say(
                'Vous recevrez un panier en plus lors d’une prochaine livraison pour compenser.',
                'You will receive an extra basket at a later delivery to make up for it.',
              );
        case 'credited':
          return plural
            ? say(
                'Le prix des paniers de ces livraisons vous sera crédité sur votre prochaine facture.',
                'The price of the baskets for these deliveries will be credited on your next invoice.',
              )
            : say(
                'Le prix du panier de cette livraison vous sera crédité sur votre prochaine facture.',
                'The price of the basket for this delivery will be credited on your next invoice.',
              );
      }
    };
    const single = groups.length <= 1;
    const policy = single
      ? sentence(groups[0]?.outcome ?? data.absencePolicy, several)
      : groups
          .map(({ outcome, days }) => {
            const when = days.map(day).join(', ');
            const text = sentence(outcome, days.length > 1);
            return say(`${when} : ${text}`, `${when}: ${text}`);
          })
          .join(' ');
    const smsWhat = (outcome: AbsenceOutcome) =>
      outcome === 'donated'
        ? say(' Le panier sera donné.', ' The basket will be given away.')
        : outcome === 'compensated'
          ? say(' Un panier en plus vous sera remis plus tard.', ' You will get an extra basket later.')
          : say(
              ' Le panier vous sera crédité sur votre prochaine facture.',
              ' The basket will be credited on your next invoice.',
            );
    return {
      subject: several
        ? say('Absences notées', 'Absences recorded')
        : say('Absence notée', 'Absence recorded'),
      blocks: several
        ? [
            say(
              'Nous avons bien noté votre absence aux livraisons suivantes :',
              'We have recorded your absence for the following deliveries:',
            ),
            { list: dates.map(day) },
            policy,
          ]
        : [
            say(
              `Nous avons bien noté votre absence le ${day(first)}.`,
              `We have recorded your absence on ${day(first)}.`,
            ),
            policy,
          ],
      sms: (parts, smsDay) => {
        const when = several
          ? say(
              `absence notée pour ${dates.length} livraisons, du ${smsDay(first)} au ${smsDay(last)}.`,
              `absence recorded for ${dates.length} deliveries, ${smsDay(first)} to ${smsDay(last)}.`,
            )
          : say(`absence notée le ${smsDay(first)}.`, `absence recorded on ${smsDay(first)}.`);
        const what = !parts.details || !single ? '' : smsWhat(groups[0]?.outcome ?? data.absencePolicy);
        return start(parts, `${when}${what}`);
      },
    };
  },

  'absence-withdrawn': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const policy =
      data.absencePolicy === 'donated'
        ? say(
            'Votre panier ne sera donc pas donné : il vous attend au dépôt comme d’habitude.',
            'Your basket will therefore not be given away: it will be waiting for you at the depot as usual.',
          )
        : data.absencePolicy === 'credited'
          ? say(
              'Votre panier vous attend au dépôt comme d’habitude : il ne vous sera donc pas crédité.',
              'Your basket will be waiting for you at the depot as usual: it will therefore not be credited.',
            )
          : say(
              'Votre panier vous attend au dépôt comme d’habitude, et le panier en plus prévu pour compenser cette absence est retiré.',
              'Your basket will be waiting for you at the depot as usual, and the extra basket planned to make up for this absence is withdrawn.',
            );
    return {
      subject: say('Absence annulée', 'Absence undone'),
      blocks: [
        say(
          `Nous avons bien noté que vous serez finalement là le ${day(data.date)}.`,
          `We have noted that you will be there after all on ${day(data.date)}.`,
        ),
        policy,
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `absence du ${smsDay(data.date)} annulée : votre panier vous attend.`,
            `absence on ${smsDay(data.date)} undone: your basket will be waiting.`,
          ),
        ),
    };
  },
};
