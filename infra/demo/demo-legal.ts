import {
  legalPageTemplate,
  legalSlugs,
  pageImagesPath,
  type PagePublisher,
  type PublisherLegalDetails,
  type TemplateDetails,
} from '../../domain/garden-pages.ts';
import { sanitizePageHtml } from '../../domain/page-html.ts';
import type { Store } from '../../adapters/store/index.ts';

type LegalDetails = Omit<PublisherLegalDetails, 'version'>;

/** The host of the demo (as a garden would name its own): the same for every publisher. */
const demoHost = {
  name: 'Amazon Web Services EMEA SARL',
  address: '38 avenue John F. Kennedy, L-1855 Luxembourg',
  contact: 'https://aws.amazon.com/fr/contact-us/',
};

/**
 * Each demo garden's legal details, as its administrator would fill « Informations légales »
 * (the SIRETs are made up, with a valid check digit).
 */
export const demoLegalDetails: Record<string, LegalDetails> = {
  'val-du-doubs': {
    legalName: 'Association Jardin de Cocagne du Val du Doubs',
    legalForm: 'Association loi 1901, chantier d’insertion',
    siret: '78451236900017',
    address: '2 chemin des Vergers, 25220 Chalezeule',
    publicationDirector: 'Claire Roussel, présidente',
    host: demoHost,
  },
  'pays-de-vesoul': {
    legalName: 'Association Jardin de Cocagne du Pays de Vesoul',
    legalForm: 'Association loi 1901, chantier d’insertion',
    siret: '52187496300023',
    address: '14 rue des Maraîchers, 70000 Vesoul',
    publicationDirector: 'Marc Petitjean, président',
    host: demoHost,
  },
};

/** The network's own legal details (the publisher of the pages shown where no garden is known). */
export const demoNetworkLegalDetails: LegalDetails = {
  legalName: 'Réseau Cocagne (démonstration)',
  legalForm: 'Association loi 1901',
  siret: '41963275800019',
  address: '2 Grande Rue, 25000 Besançon',
  publicationDirector: 'Jeanne Moreau, présidente',
  host: demoHost,
};

const demoNetworkContact = { email: 'contact@reseau.cocagne.local' };

/**
 * The five legal pages of a publisher, from their templates and its details, published once
 * (version 1) where nothing is published yet: a garden that wrote its own keeps them.
 */
async function publishLegalPages(
  store: Store,
  publisher: PagePublisher,
  details: TemplateDetails,
): Promise<number> {
  let published = 0;
  for (const slug of legalSlugs) {
    const record = await store.pages.get(publisher, slug);
    if (record?.published || record?.draft) continue;
    const template = legalPageTemplate(slug, details);
    const html = sanitizePageHtml(template.html, { imagePath: pageImagesPath(publisher) });
    const now = new Date().toISOString();
    const saved = await store.pages.saveDraft(publisher, slug, true, {
      title: template.title,
      html,
      updatedAt: now,
      updatedBy: 'Démo',
    });
    await store.pages.publish(
      publisher,
      {
        slug,
        version: 1,
        title: template.title,
        html,
        publishedAt: now,
        publishedBy: 'Démo',
        substantial: false,
      },
      saved.revision,
    );
    published += 1;
  }
  return published;
}

/**
 * The demo gardens' and the network's legal details (unless already set) and legal pages
 * (unless already written): the footer's links open real pages in the demo. Returns how many
 * pages were published.
 */
export async function seedDemoLegalPages(
  store: Store,
  gardens: ReadonlyArray<{ id: string; name: string }>,
): Promise<number> {
  let published = 0;
  for (const garden of gardens) {
    const details = demoLegalDetails[garden.id];
    const registered = await store.gardens.get(garden.id);
    if (!details || !registered) continue;
    let legal = await store.pages.legalDetails(garden.id, undefined);
    if (legal.version === 0) legal = await store.pages.saveLegalDetails(garden.id, details, 0);
    const { version: _version, ...legalDetails } = legal;
    const contact = await store.settings.contact(garden.id, registered);
    published += await publishLegalPages(
      store,
      { kind: 'garden', gardenId: garden.id },
      {
        legal: legalDetails,
        contact,
      },
    );
  }
  let network = await store.pages.networkLegalDetails();
  if (network.version === 0) network = await store.pages.saveNetworkLegalDetails(demoNetworkLegalDetails, 0);
  const { version: _version, ...networkDetails } = network;
  published += await publishLegalPages(
    store,
    { kind: 'network' },
    { legal: networkDetails, contact: demoNetworkContact },
  );
  return published;
}
