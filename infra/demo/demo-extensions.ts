/**
 * The sample extensions each demo garden runs (extensions/samples/): Val du Doubs prices its
 * solidarity tiers by the CAF quotient familial and asks households applying for the
 * solidarity basket for their referral number (the application form shows it, checked as they
 * type). Seeded as uploaded by the garden's admin and activated, so the admin page lists them.
 */
export const demoExtensions: Record<string, readonly string[]> = {
  'val-du-doubs': ['quotient-familial', 'panier-solidaire'],
};

/** Who uploaded them, as the extensions' history says. */
export const demoExtensionAdmin = { userId: 'demo-admin-doubs', name: 'Claire Vuillemin' };
