import { wording, type Templates } from './wording.ts';

/** What the garden writes when a member's data export (RGPD article 20) is ready to download. */
export const dataExportTemplates: Templates<'data-export-ready'> = {
  'data-export-ready': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    return {
      subject: say('Vos données sont prêtes à télécharger', 'Your data is ready to download'),
      blocks: [
        say(
          'Vous avez demandé une copie de vos données : elle est prête, en JSON et en PDF lisible.',
          'You asked for a copy of your data: it is ready, as JSON and as a readable PDF.',
        ),
        {
          link: data.link,
          text: say(
            `Téléchargez-la depuis « Mes données » (connexion requise), jusqu'au ${day(data.expiresOn)}.`,
            `Download it from "My data" (sign-in required), until ${day(data.expiresOn)}.`,
          ),
        },
        say(
          "Si vous n'êtes pas à l'origine de cette demande, prévenez le jardin.",
          'If you did not ask for it, tell the garden.',
        ),
      ],
      sms: (parts) =>
        start(
          parts,
          say(
            `vos données sont prêtes à télécharger dans « Mes données » jusqu'au ${day(data.expiresOn)}.`,
            `your data is ready to download from "My data" until ${day(data.expiresOn)}.`,
          ),
        ),
    };
  },
};
