import { wording, type Templates } from './wording.ts';

/** "17:10" as French writes it: "17 h 10". */
function frenchClock(time: string): string {
  const [hours, minutes] = time.split(':');
  return `${Number(hours)} h ${minutes}`;
}

const reasons = {
  absent: ['personne n’a répondu', 'nobody answered'],
  refused: ['le panier a été refusé', 'the basket was refused'],
  inaccessible: ['l’adresse n’était pas accessible', 'the address could not be reached'],
  damaged: ['le panier était abîmé', 'the basket was damaged'],
  other: ['le chauffeur n’a pas pu le remettre', 'the driver could not hand it over'],
} as const;

/** What the garden writes about a home delivery on the day: the window, a missed basket. */
export const roundTemplates: Templates<'delivery-window' | 'delivery-missed'> = {
  'delivery-window': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const fr = `entre ${frenchClock(data.from)} et ${frenchClock(data.to)}`;
    const en = `between ${data.from} and ${data.to}`;
    return {
      subject: say(`Votre panier arrive ${fr}`, `Your basket arrives ${en}`),
      blocks: [
        say(
          `Votre panier du ${day(data.date)} arrive ${fr}.`,
          `Your basket of ${day(data.date)} arrives ${en}.`,
        ),
        say(
          'Si vous ne pouvez pas être là, prévenez le jardin : le chauffeur a votre numéro.',
          'If you cannot be there, tell the garden: the driver has your number.',
        ),
      ],
      sms: (parts) =>
        start(parts, say(`votre panier arrive aujourd'hui ${fr}.`, `your basket arrives today ${en}.`)),
    };
  },

  'delivery-missed': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const [fr, en] = reasons[data.reason];
    return {
      subject: say('Votre panier n’a pas pu être livré', 'Your basket could not be delivered'),
      blocks: [
        say(
          `Votre panier du ${day(data.date)} n’a pas pu être livré : ${fr}.`,
          `Your basket of ${day(data.date)} could not be delivered: ${en}.`,
        ),
        say(
          'Contactez le jardin pour convenir de la suite.',
          'Please contact the garden to arrange what happens next.',
        ),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `votre panier du ${smsDay(data.date)} n'a pas pu être livré (${fr}). Contactez le jardin.`,
            `your basket of ${smsDay(data.date)} could not be delivered (${en}). Please contact the garden.`,
          ),
        ),
    };
  },
};
