/**
 * The words of the member's consents (the terms to accept again, the optional consents, the
 * sign-up form's links), under `consents` in `i18n/fr.ts` and `i18n/en.ts`. No { } @ $ | in
 * the sentences but the placeholders.
 */
export const consentsFr = {
  accept: {
    title: 'Nos conditions ont changé',
    lead: 'Le jardin a publié une nouvelle version de documents que vous aviez acceptés. Prenez le temps de les lire : votre espace vous attend juste après.',
    document: '{title}, version {version}',
    read: 'Lire la nouvelle version',
    readAccepted: 'Relire la version que vous aviez acceptée (version {version})',
    accept: 'J’ai lu et j’accepte',
    accepting: 'Enregistrement…',
    later: 'Se déconnecter',
    readFailed: 'Impossible de lire les nouvelles conditions pour le moment. Réessayez dans un instant.',
    changedAgain: 'Une version encore plus récente vient d’être publiée : la voici.',
  },
  card: {
    title: 'Mes consentements',
    lead: 'Ces accords sont facultatifs : vous pouvez les donner ou les retirer à tout moment, aussi simplement.',
    given: 'Donné le {date}',
    withdrawn: 'Retiré le {date}',
    never: 'Jamais donné',
    terms: 'Conditions acceptées',
    termsVersion: 'version {version}, acceptée le {date}',
    termsSummary: 'résumé des règles accepté le {date} (pas encore publiées)',
    termsNone: 'pas encore acceptées',
    saved: 'Votre choix est enregistré.',
    failed: 'Votre choix n’a pas pu être enregistré : rien n’a changé.',
  },
  purposes: {
    newsletter: 'Recevoir la lettre du jardin',
    photos: 'Apparaître sur les photos du jardin (site, réseaux)',
    sms: 'Recevoir des informations par SMS',
  },
  documents: {
    cgv: 'Conditions générales de vente',
    confidentialite: 'Politique de confidentialité',
  },
  signUp: {
    readTerms: 'Lire les documents que vous acceptez :',
    version: '{title} (version {version})',
    noTerms:
      'Le jardin n’a pas encore publié ses conditions générales : en cochant la case, vous acceptez le résumé des règles ci-dessus.',
    optionalTitle: 'Accords facultatifs',
    optionalHint:
      'Aucun n’est nécessaire pour adhérer ; vous pourrez les changer à tout moment dans « Mes données ».',
  },
};

export const consentsEn: typeof consentsFr = {
  accept: {
    title: 'Our terms have changed',
    lead: 'The garden has published a new version of documents you had accepted. Take the time to read them: your area is right after.',
    document: '{title}, version {version}',
    read: 'Read the new version',
    readAccepted: 'Read again the version you had accepted (version {version})',
    accept: 'I have read and accept',
    accepting: 'Saving…',
    later: 'Sign out',
    readFailed: 'The new terms cannot be read right now. Try again in a moment.',
    changedAgain: 'An even newer version has just been published: here it is.',
  },
  card: {
    title: 'My consents',
    lead: 'These are optional: you may give or withdraw each one at any time, just as easily.',
    given: 'Given on {date}',
    withdrawn: 'Withdrawn on {date}',
    never: 'Never given',
    terms: 'Terms accepted',
    termsVersion: 'version {version}, accepted on {date}',
    termsSummary: 'rules summary accepted on {date} (not published yet)',
    termsNone: 'not accepted yet',
    saved: 'Your choice is saved.',
    failed: 'Your choice could not be saved: nothing changed.',
  },
  purposes: {
    newsletter: "Receive the garden's newsletter",
    photos: "Appear in the garden's photos (website, social media)",
    sms: 'Receive news by text message',
  },
  documents: {
    cgv: 'Terms and conditions of sale',
    confidentialite: 'Privacy policy',
  },
  signUp: {
    readTerms: 'Read the documents you accept:',
    version: '{title} (version {version})',
    noTerms:
      'The garden has not published its terms and conditions yet: by ticking the box, you accept the rules summary above.',
    optionalTitle: 'Optional consents',
    optionalHint: 'None is needed to join; you can change them at any time in “My data”.',
  },
};
