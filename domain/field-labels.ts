import type { Localized } from './locale.ts';

/**
 * How each input field is named to people, by property name. Validation messages use these
 * so that a refused form says « Nom » rather than "/lastName".
 */
export const fieldLabels: Readonly<Record<string, Localized>> = {
  firstName: { fr: 'Prénom', en: 'First name' },
  lastName: { fr: 'Nom', en: 'Last name' },
  email: { fr: 'Courriel', en: 'Email' },
  phone: { fr: 'Téléphone', en: 'Phone' },
  street: { fr: 'Adresse', en: 'Street address' },
  postalCode: { fr: 'Code postal', en: 'Postcode' },
  city: { fr: 'Commune', en: 'Town' },
  address: { fr: 'Adresse', en: 'Address' },
  householdSize: { fr: 'Personnes au foyer', en: 'Household size' },
  notes: { fr: 'Remarques', en: 'Notes' },
  memberId: { fr: 'Adhérent', en: 'Member' },
  depotId: { fr: 'Point de dépôt', en: 'Pick-up point' },
  basketSize: { fr: 'Taille de panier', en: 'Basket size' },
  frequency: { fr: 'Fréquence', en: 'Frequency' },
  startDate: { fr: 'Date de début', en: 'Start date' },
  decision: { fr: 'Décision', en: 'Decision' },
  reason: { fr: 'Motif', en: 'Reason' },
  version: { fr: 'Version', en: 'Version' },
  search: { fr: 'Recherche', en: 'Search' },
  limit: { fr: 'Nombre par page', en: 'Page size' },
  cursor: { fr: 'Page', en: 'Page' },
  status: { fr: 'Statut', en: 'Status' },
  gardenId: { fr: 'Jardin', en: 'Garden' },
  name: { fr: 'Nom', en: 'Name' },
  contactPreferences: { fr: 'Préférences de contact', en: 'Contact preferences' },
  date: { fr: 'Date', en: 'Date' },
  dates: { fr: 'Dates', en: 'Dates' },
  from: { fr: 'Début', en: 'From' },
  until: { fr: 'Reprise', en: 'Resume on' },
  seasons: { fr: 'Saisons', en: 'Seasons' },
  closedWeeks: { fr: 'Semaines fermées', en: 'Closed weeks' },
  cutoffHours: { fr: 'Délai avant livraison (heures)', en: 'Cutoff before delivery (hours)' },
  count: { fr: 'Nombre de livraisons', en: 'Number of deliveries' },
  consent: { fr: 'Acceptation des conditions', en: 'Acceptance of the terms' },
  household: { fr: 'Foyer', en: 'Household' },
};
