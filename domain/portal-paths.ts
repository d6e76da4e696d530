/**
 * The member portal's addresses that messages (emails, SMS) link to. The web app's router
 * serves each of them; its test checks that none leads to « page introuvable ».
 */
export const portalPaths = {
  /** The portal: next deliveries, absences, invoices, means of payment. */
  home: '/adherent',
  /** The portal with the means of payment first, after a failed payment. */
  paymentMethod: '/adherent/paiement',
  /** « Mes données »: the member's details, which they correct themselves. */
  myData: '/adherent/mes-donnees',
} as const;
