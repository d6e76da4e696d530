import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { pageBytes } from '../../adapters/store/page-store.ts';
import type { ChangeLog } from '../../adapters/store/action-log.ts';
import { CocagneError, isCocagneError, notFound } from '../../domain/errors.ts';
import { gardenStateOf } from '../../domain/garden.ts';
import {
  accessibilityProblems,
  comparePages,
  imageBytesMatch,
  isLegalSlug,
  isPageImageType,
  legalPageTemplate,
  legalPageTitles,
  legalSlugs,
  LegalDetailsInput,
  normalizeLegalDetails,
  ownPagesLimit,
  pageHtmlMaxBytes,
  PageDraftInput,
  PageDraftList,
  PageDraftView,
  PageImageId,
  pageImageIdPattern,
  PageImageList,
  pageImageMaxBytes,
  pageImagesPath,
  pageImageTypes,
  PageSlug,
  PageVersionList,
  PageVersionNumber,
  PublishedPage,
  PublishedPageList,
  PublisherLegalDetails,
  PublishInput,
  type PagePublisher,
  type PageRecord,
  type PageVersion,
  type TemplateDetails,
} from '../../domain/garden-pages.ts';
import { shortName } from '../../domain/journal/staff-actions.ts';
import { sanitizePageHtml } from '../../domain/page-html.ts';
import { termsDocuments } from '../../domain/consents.ts';
import { gardenAdminRoles, staffRoles } from '../../domain/roles.ts';
import { callerOf } from '../plugins/auth.ts';
import { logStaffAction, staffChangeLog } from '../plugins/request-origin.ts';
import { ErrorAnswer, errorAnswers, GardenParams, Version } from '../schemas.ts';

// The garden's pages (issue 14): the public reads them, garden administrators write drafts and
// publish versions. The network's own pages (network-pages.ts) share everything below but the
// routes, with a publisher of their own.

/** An image as any caller may read it: its bytes, in one of the page image types. */
export const imageAnswer = {
  description: 'The image, as uploaded.',
  content: Object.fromEntries(
    pageImageTypes.map((type) => [
      type,
      { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
    ]),
  ),
};

/** What an image upload may answer besides the usual errors. */
export const imageUploadAnswers = {
  413: Type.Object(ErrorAnswer.properties, { description: 'The image is larger than 2 MB.' }),
  415: Type.Object(ErrorAnswer.properties, {
    description: 'Not a PNG, JPEG, WebP or GIF image (an SVG may carry scripts: refused).',
  }),
};

/**
 * A draft's body as JSON: 200 000 characters may take six bytes each once escaped (`\u00e9`),
 * so the default 1 MB would refuse drafts the description accepts.
 */
export const draftBodyLimit = 1_536 * 1024;

/** A draft's answers besides the usual errors. */
export const draftAnswers = {
  413: Type.Object(ErrorAnswer.properties, { description: 'The request is larger than any draft may be.' }),
};

/** A larger body than an image may be is read, to say how large it may be (beyond: a plain 413). */
const uploadBodyLimit = pageImageMaxBytes * 2;

export const SlugParams = Type.Object({ pageSlug: PageSlug });
export const VersionParams = Type.Object({ pageSlug: PageSlug, version: PageVersionNumber });
export const ImageParams = Type.Object({ imageId: PageImageId });

const notPublished = (slug: string) =>
  new CocagneError('not_found', {
    fr: `La page « ${slug} » n’est pas publiée.`,
    en: `The page "${slug}" is not published.`,
  });

const noSuchVersion = (slug: string, version: number) =>
  new CocagneError('not_found', {
    fr: `La page « ${slug} » n’a pas de version ${version}.`,
    en: `The page "${slug}" has no version ${version}.`,
  });

const noSuchPage = (slug: string) =>
  new CocagneError('not_found', {
    fr: `Il n’y a pas de page « ${slug} ». Enregistrez un brouillon pour la créer.`,
    en: `There is no page "${slug}". Save a draft to create it.`,
  });

const imageIdShape = new RegExp(pageImageIdPattern);

function imageKey(publisher: PagePublisher, imageId: string): string {
  // Garden ids never start with an underscore: the network's images cannot meet a garden's.
  return publisher.kind === 'garden'
    ? `${publisher.gardenId}/page-images/${imageId}`
    : `_network/page-images/${imageId}`;
}

function publicPage(version: PageVersion, legal: boolean): PublishedPage {
  return {
    slug: version.slug,
    title: version.title,
    html: version.html,
    version: version.version,
    publishedAt: version.publishedAt,
    legal,
  };
}

/** Reads and writes of a publisher's pages, for the routes of a garden and of the network. */
export function pageService(app: FastifyInstance) {
  const { store, documents } = app;
  const sanitize = (publisher: PagePublisher, html: string) =>
    sanitizePageHtml(html, { imagePath: pageImagesPath(publisher) });

  async function latest(publisher: PagePublisher, slug: string): Promise<PageVersion> {
    const page = await store.pages.get(publisher, slug);
    const version = page?.published
      ? await store.pages.version(publisher, slug, page.published.version)
      : undefined;
    if (!page || !version) throw notPublished(slug);
    return version;
  }

  /** What a page's editor opens: its draft, else its latest version, else its template. */
  async function draftView(
    publisher: PagePublisher,
    slug: string,
    page: PageRecord | undefined,
    templateDetails: () => Promise<TemplateDetails>,
  ): Promise<PageDraftView> {
    const legal = isLegalSlug(slug);
    let content: { title: string; html: string };
    let fromTemplate = false;
    if (page?.draft) content = page.draft;
    else if (page?.published) content = await latest(publisher, slug);
    else if (isLegalSlug(slug)) {
      content = legalPageTemplate(slug, await templateDetails());
      fromTemplate = true;
    } else throw noSuchPage(slug);
    const html = sanitize(publisher, content.html);
    return {
      slug,
      title: content.title,
      html,
      legal,
      fromTemplate,
      publishedVersion: page?.published?.version ?? null,
      updatedAt: page?.draft?.updatedAt ?? null,
      problems: accessibilityProblems(html),
    };
  }

  return {
    async publishedList(publisher: PagePublisher) {
      const pages = await store.pages.list(publisher);
      return {
        pages: pages
          .flatMap((page) =>
            page.published
              ? [
                  {
                    slug: page.slug,
                    title: page.published.title,
                    legal: isLegalSlug(page.slug),
                    version: page.published.version,
                    publishedAt: page.published.publishedAt,
                  },
                ]
              : [],
          )
          .sort(comparePages),
      };
    },

    async published(publisher: PagePublisher, slug: string): Promise<PublishedPage> {
      return publicPage(await latest(publisher, slug), isLegalSlug(slug));
    },

    async publishedVersion(publisher: PagePublisher, slug: string, number: number): Promise<PublishedPage> {
      const version = await store.pages.version(publisher, slug, number);
      if (!version) throw noSuchVersion(slug, number);
      return publicPage(version, isLegalSlug(slug));
    },

    async draftList(publisher: PagePublisher) {
      const pages = await store.pages.list(publisher);
      const bySlug = new Map(pages.map((page) => [page.slug, page]));
      const slugs = [...new Set([...legalSlugs, ...pages.map((page) => page.slug)])];
      return {
        pages: slugs
          .map((slug) => {
            const page = bySlug.get(slug);
            const title =
              page?.draft?.title ??
              page?.published?.title ??
              (isLegalSlug(slug) ? legalPageTitles[slug].fr : slug);
            return {
              slug,
              title,
              legal: isLegalSlug(slug),
              hasDraft: page?.draft !== undefined,
              publishedVersion: page?.published?.version ?? null,
              updatedAt: page?.draft?.updatedAt ?? null,
            };
          })
          .sort(comparePages),
      };
    },

    async draft(publisher: PagePublisher, slug: string, templateDetails: () => Promise<TemplateDetails>) {
      return draftView(publisher, slug, await store.pages.get(publisher, slug), templateDetails);
    },

    async saveDraft(
      request: FastifyRequest,
      publisher: PagePublisher,
      slug: string,
      input: { title: string; html: string },
    ): Promise<PageDraftView> {
      const legal = isLegalSlug(slug);
      const existing = await store.pages.get(publisher, slug);
      if (!existing && !legal) {
        const own = (await store.pages.list(publisher)).filter((page) => !page.legal);
        if (own.length >= ownPagesLimit) {
          throw new CocagneError('refused', {
            fr: `Le jardin a déjà ${ownPagesLimit} pages à lui : supprimez-en une avant d’en créer une autre.`,
            en: `The garden already has ${ownPagesLimit} pages of its own: delete one before creating another.`,
          });
        }
      }
      const html = sanitize(publisher, input.html);
      const title = input.title.trim();
      if (pageBytes({ title, html }) > pageHtmlMaxBytes) {
        throw new CocagneError(
          'refused',
          {
            fr: 'Cette page est trop longue pour être enregistrée : découpez-la en plusieurs pages.',
            en: 'This page is too long to be saved: split it into several pages.',
          },
          { field: 'html' },
        );
      }
      const saved = await store.pages.saveDraft(publisher, slug, legal, {
        title,
        html,
        updatedAt: app.now().toISOString(),
        updatedBy: shortName(callerOf(request)),
      });
      return draftView(publisher, slug, saved, () => Promise.reject(new Error('a saved page has a draft')));
    },

    async publish(
      request: FastifyRequest,
      publisher: PagePublisher,
      slug: string,
      input: { substantial: boolean; note?: string | undefined },
      log?: (version: number) => ChangeLog,
    ): Promise<PublishedPage> {
      const page = await store.pages.get(publisher, slug);
      if (!page && !isLegalSlug(slug)) throw noSuchPage(slug);
      if (!page?.draft) {
        throw new CocagneError('refused', {
          fr: 'Il n’y a pas de brouillon à publier : enregistrez d’abord la page.',
          en: 'There is no draft to publish: save the page first.',
        });
      }
      const html = sanitize(publisher, page.draft.html);
      const problems = accessibilityProblems(html);
      if (problems.length > 0) {
        const locale = request.locale;
        throw new CocagneError(
          'refused',
          {
            fr: `La page ne peut pas être publiée tant qu’elle n’est pas accessible à tous : ${problems.map((problem) => problem.fr).join(' ')}`,
            en: `The page cannot be published until everyone can read it: ${problems.map((problem) => problem.en).join(' ')}`,
          },
          { issues: problems.map((problem) => ({ field: 'html', message: problem[locale] })) },
        );
      }
      const note = input.note?.trim();
      const version: PageVersion = {
        slug,
        version: (page.published?.version ?? 0) + 1,
        title: page.draft.title,
        html,
        publishedAt: app.now().toISOString(),
        publishedBy: shortName(callerOf(request)),
        substantial: input.substantial,
        ...(note ? { note } : {}),
      };
      await store.pages.publish(publisher, version, page.revision, log?.(version.version));
      return publicPage(version, isLegalSlug(slug));
    },

    async dropDraft(publisher: PagePublisher, slug: string): Promise<void> {
      const dropped = await store.pages.dropDraft(publisher, slug);
      if (!dropped && !isLegalSlug(slug)) throw noSuchPage(slug);
    },

    async versions(publisher: PagePublisher, slug: string) {
      const page = await store.pages.get(publisher, slug);
      if (!page && !isLegalSlug(slug)) throw noSuchPage(slug);
      const versions = page ? await store.pages.versions(publisher, slug) : [];
      return {
        versions: versions.map((version) => ({
          version: version.version,
          title: version.title,
          publishedAt: version.publishedAt,
          publishedBy: version.publishedBy,
          substantial: version.substantial,
          note: version.note ?? null,
        })),
      };
    },

    /** Keeps an uploaded image (PNG, JPEG, WebP or GIF, its bytes checked) and says where it is served. */
    async uploadImage(request: FastifyRequest, reply: FastifyReply, publisher: PagePublisher) {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (type === '' && !Buffer.isBuffer(request.body)) {
        throw new CocagneError('refused', {
          fr: 'Aucune image reçue : envoyez le fichier (PNG, JPEG, WebP ou GIF) comme contenu de la requête.',
          en: 'No image received: send the file (PNG, JPEG, WebP or GIF) as the request body.',
        });
      }
      if (!isPageImageType(type)) {
        return reply.status(415).send({
          error: 'invalid_input',
          message:
            request.locale === 'fr'
              ? type === 'image/svg+xml'
                ? 'Les images SVG ne sont pas acceptées (elles peuvent contenir des scripts) : envoyez une image PNG, JPEG, WebP ou GIF.'
                : 'Ce fichier n’est pas accepté : envoyez une image PNG, JPEG, WebP ou GIF.'
              : type === 'image/svg+xml'
                ? 'SVG images are not accepted (they may carry scripts): send a PNG, JPEG, WebP or GIF image.'
                : 'This file is not accepted: send a PNG, JPEG, WebP or GIF image.',
          requestId: request.id,
        });
      }
      const bytes = request.body;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0 || !imageBytesMatch(type, bytes)) {
        throw new CocagneError('refused', {
          fr: `Ce fichier n’est pas une image ${type.slice('image/'.length).toUpperCase()} : ouvrez-le et enregistrez-le de nouveau dans ce format.`,
          en: `This file is not a ${type.slice('image/'.length).toUpperCase()} image: open it and save it again in that format.`,
        });
      }
      if (bytes.length > pageImageMaxBytes) {
        return reply.status(413).send({
          error: 'invalid_input',
          message:
            request.locale === 'fr'
              ? 'Cette image dépasse 2 Mo : réduisez-la avant de l’ajouter.'
              : 'This image is larger than 2 MB: make it smaller before adding it.',
          requestId: request.id,
        });
      }
      const imageId = `img-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await documents.put(imageKey(publisher, imageId), new Uint8Array(bytes), type);
      return reply.status(201).send({ url: `${pageImagesPath(publisher)}${imageId}` });
    },

    /** The publisher's images, newest first, each with the pages (draft or published) showing it. */
    async images(publisher: PagePublisher): Promise<PageImageList> {
      const prefix = imageKey(publisher, '');
      const files = await documents.list(prefix);
      const shown: Array<{ slug: string; title: string; where: 'draft' | 'published'; html: string }> = [];
      for (const listed of await store.pages.list(publisher)) {
        const page = listed.draft ? await store.pages.get(publisher, listed.slug) : listed;
        if (page?.draft) {
          shown.push({ slug: page.slug, title: page.draft.title, where: 'draft', html: page.draft.html });
        }
        const published = page?.published
          ? await store.pages.version(publisher, page.slug, page.published.version)
          : undefined;
        if (published) {
          shown.push({
            slug: published.slug,
            title: published.title,
            where: 'published',
            html: published.html,
          });
        }
      }
      const images = files
        .map((file) => ({ ...file, id: file.key.slice(prefix.length) }))
        .filter((file) => imageIdShape.test(file.id))
        .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt))
        .map((file) => {
          const url = `${pageImagesPath(publisher)}${file.id}`;
          return {
            id: file.id,
            url,
            bytes: file.bytes,
            uploadedAt: file.modifiedAt,
            usedIn: shown
              .filter((page) => page.html.includes(url))
              .map(({ slug, title, where }) => ({ slug, title, where })),
          };
        });
      return { images };
    },

    /**
     * Deletes an image for good, every version of it (a photo whose consent was withdrawn): its
     * address answers 404 from then on, and a page still showing it shows a gap there.
     */
    async deleteImage(
      publisher: PagePublisher,
      imageId: string,
      log?: () => Promise<unknown>,
    ): Promise<void> {
      const key = imageKey(publisher, imageId);
      if (!(await documents.list(key)).some((file) => file.key === key)) {
        throw notFound({ fr: 'Image', en: 'Image' });
      }
      // Logged first: a deletion that fails half-way is asked again, never done unlogged.
      await log?.();
      await documents.removeForGood(key);
    },

    async sendImage(reply: FastifyReply, publisher: PagePublisher, imageId: string) {
      let file: { bytes: Uint8Array; contentType: string };
      try {
        file = await documents.get(imageKey(publisher, imageId));
      } catch (error) {
        if (isCocagneError(error) && error.code === 'not_found') throw notFound({ fr: 'Image', en: 'Image' });
        throw error;
      }
      return (
        reply
          .type(isPageImageType(file.contentType) ? file.contentType : 'application/octet-stream')
          // A day, not for ever: an image a garden must take down (a photo whose consent was
          // withdrawn) does not stay in caches for a year.
          .header('cache-control', 'public, max-age=86400')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'")
          .send(Buffer.from(file.bytes))
      );
    },
  };
}

/** The raw body of an image upload, as bytes, whatever its type (the route says which it takes). */
export function acceptImageBodies(app: FastifyInstance): void {
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: uploadBodyLimit }, (_request, body, done) => {
    done(null, body);
  });
}

export const imageUploadSummary =
  'Uploads an image for the pages: the raw file as the body, `Content-Type` image/png, image/jpeg, image/webp or ' +
  'image/gif, at most 2 MB, its first bytes checked against the type (422 otherwise). SVG and any other type: 415.';

/** The pages whose substantial new versions members accept again, and hear of by email. */
const isTermsDocument = (slug: string) => (termsDocuments as readonly string[]).includes(slug);

/** A garden's pages: public reads, and what its administrators write. */
export const gardenPagesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  const pages = pageService(app);
  const gardenOf = (gardenId: string): PagePublisher => ({ kind: 'garden', gardenId });
  const publicReads = { reason: "the garden's published pages (legal pages, its own pages), read by anyone" };

  /** Anyone may read a garden's pages, as long as the garden exists and has not left the network. */
  async function requireGardenExists(gardenId: string) {
    const garden = await store.gardens.get(gardenId);
    if (!garden || gardenStateOf(garden) === 'retired') throw notFound({ fr: 'Jardin', en: 'Garden' });
    return garden;
  }

  /** What the garden registered for its invoices: the legal details before it saves its own. */
  async function legalDetailsOf(gardenId: string) {
    const pricing = await store.settings.pricing(gardenId);
    return store.pages.legalDetails(
      gardenId,
      pricing.version > 0
        ? { name: pricing.legal.name, address: pricing.legal.address, siret: pricing.legal.siret }
        : undefined,
    );
  }

  /**
   * Members hear of a substantial new version of the terms by email (workflows/terms-notice).
   * The version is published whatever happens here: when the emails cannot be started, the
   * failure is logged and staff get an incident (members still accept it at their next sign-in).
   */
  async function announceNewTerms(request: FastifyRequest, gardenId: string, slug: string, version: number) {
    try {
      await app.commands.termsNotices.announce({ gardenId, slug, version });
    } catch (error) {
      request.log.error({ err: error, gardenId, slug, version }, 'terms notice not started');
      await store.incidents
        .report(
          {
            gardenId,
            key: `terms-notice-not-started/${slug}-v${version}`,
            kind: 'process-stalled',
            subject: {},
            summary: {
              fr: `La version ${version} de la page « ${slug} » est publiée, mais le courriel qui l'annonce aux adhérents n'a pas pu partir. Ils l'accepteront à leur prochaine connexion ; prévenez l'équipe technique si vous voulez qu'ils soient prévenus par courriel.`,
              en: `Version ${version} of the "${slug}" page is published, but the email announcing it to members could not be started. They will accept it at their next sign-in; tell the technical team if they should be told by email.`,
            },
            cause: error instanceof Error ? error.message : String(error),
            retriesByItself: false,
          },
          app.now().toISOString(),
        )
        .catch((failure: unknown) => request.log.error({ err: failure }, 'incident not reported'));
    }
  }

  async function templateDetails(gardenId: string): Promise<TemplateDetails> {
    const [legal, contact] = await Promise.all([
      legalDetailsOf(gardenId),
      store.settings.contact(gardenId, await store.gardens.get(gardenId)),
    ]);
    const { version: _version, ...details } = legal;
    return { legal: details, contact };
  }

  app.get(
    '/pages',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: publicReads },
      schema: {
        tags: ['pages'],
        summary:
          "The garden's published pages (public): the legal ones first, in the footer's order, then its own by title.",
        params: GardenParams,
        response: { 200: PublishedPageList, ...errorAnswers },
      },
    },
    async (request) => {
      await requireGardenExists(request.params.gardenId);
      return pages.publishedList(gardenOf(request.params.gardenId));
    },
  );

  app.get(
    '/pages/:pageSlug',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: publicReads },
      schema: {
        tags: ['pages'],
        summary: "A page's latest published version (public); 404 while it is not published.",
        params: Type.Object({ ...GardenParams.properties, ...SlugParams.properties }),
        response: { 200: PublishedPage, ...errorAnswers },
      },
    },
    async (request) => {
      await requireGardenExists(request.params.gardenId);
      return pages.published(gardenOf(request.params.gardenId), request.params.pageSlug);
    },
  );

  app.get(
    '/pages/:pageSlug/versions/:version',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: publicReads },
      schema: {
        tags: ['pages'],
        summary:
          'One published version of a page (public): members read the version of the terms they accepted.',
        params: Type.Object({ ...GardenParams.properties, ...VersionParams.properties }),
        response: { 200: PublishedPage, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, pageSlug: slug, version } = request.params;
      await requireGardenExists(gardenId);
      return pages.publishedVersion(gardenOf(gardenId), slug, version);
    },
  );

  app.get(
    '/page-images/:imageId',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: { reason: "the images of the garden's published pages" } },
      schema: {
        tags: ['pages'],
        summary:
          "An image of the garden's pages (public, under its address until an administrator deletes it).",
        params: Type.Object({ ...GardenParams.properties, ...ImageParams.properties }),
        response: { 200: imageAnswer, ...errorAnswers },
      },
    },
    async (request, reply) =>
      pages.sendImage(reply, gardenOf(request.params.gardenId), request.params.imageId),
  );

  app.get(
    '/legal-details',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['pages'],
        summary:
          "Who publishes the garden's site, as the legal pages' templates name it (staff read, administrators " +
          'write). Version 0: what the garden registered for its invoices, the rest empty.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: PublisherLegalDetails, ...errorAnswers },
      },
    },
    async (request) => legalDetailsOf(request.params.gardenId),
  );

  app.put(
    '/legal-details',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          "Saves the garden's legal details (garden administrators). `version` must be the one read: a concurrent " +
          'change gives 409. A SIRET whose check digit is wrong is refused (422).',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object(
          {
            ...LegalDetailsInput.properties,
            version: Version(0, 'The version read; 0 before any was saved.'),
          },
          { additionalProperties: false },
        ),
        response: { 200: PublisherLegalDetails, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { version: expected, ...input } = request.body;
      const outcome = normalizeLegalDetails(input);
      if (!outcome.ok) throw new CocagneError('refused', outcome.message, { field: outcome.field });
      const before = await legalDetailsOf(gardenId);
      return store.pages.saveLegalDetails(
        gardenId,
        outcome.value,
        expected,
        staffChangeLog(app, request, gardenId, {
          action: 'legal-details.updated',
          subject: { kind: 'settings', id: 'legal-details' },
          ...(before.version > 0 ? { before } : {}),
        }),
      );
    },
  );

  app.get(
    '/page-drafts',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          "The garden's pages as its administrators edit them: the five legal pages always, then its own; whether " +
          'each has a draft, its published version.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: PageDraftList, ...errorAnswers },
      },
    },
    async (request) => pages.draftList(gardenOf(request.params.gardenId)),
  );

  app.get(
    '/page-drafts/:pageSlug',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          "A page's draft, with what keeps it from being accessible: the draft, else the latest version, else (a " +
          'legal page never edited) its template filled from the legal details. An unknown page of its own: 404.',
        security: [{ bearer: [] }],
        params: Type.Object({ ...GardenParams.properties, ...SlugParams.properties }),
        response: { 200: PageDraftView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, pageSlug: slug } = request.params;
      return pages.draft(gardenOf(gardenId), slug, () => templateDetails(gardenId));
    },
  );

  app.put(
    '/page-drafts/:pageSlug',
    {
      config: { roles: gardenAdminRoles },
      bodyLimit: draftBodyLimit,
      schema: {
        tags: ['pages'],
        summary:
          "Saves a page's draft, its HTML sanitized (only the editor's tags; no script, style or event handler); " +
          'a new slug creates a page of the garden. Answers the draft as saved and its accessibility problems.',
        security: [{ bearer: [] }],
        params: Type.Object({ ...GardenParams.properties, ...SlugParams.properties }),
        body: PageDraftInput,
        response: { 200: PageDraftView, ...errorAnswers, ...draftAnswers },
      },
    },
    async (request) => {
      const { gardenId, pageSlug: slug } = request.params;
      return pages.saveDraft(request, gardenOf(gardenId), slug, request.body);
    },
  );

  app.post(
    '/page-drafts/:pageSlug/publish',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          'Publishes the draft as the next version (kept for ever) and clears the draft. 422 when there is no draft or ' +
          'while accessibility problems remain (`issues` lists them); 409 when the page changed meanwhile.',
        security: [{ bearer: [] }],
        params: Type.Object({ ...GardenParams.properties, ...SlugParams.properties }),
        body: PublishInput,
        response: { 201: PublishedPage, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, pageSlug: slug } = request.params;
      const published = await pages.publish(request, gardenOf(gardenId), slug, request.body, () =>
        staffChangeLog(app, request, gardenId, {
          action: 'page.published',
          subject: { kind: 'settings', id: `page:${slug}` },
        }),
      );
      if (request.body.substantial && isTermsDocument(slug)) {
        await announceNewTerms(request, gardenId, slug, published.version);
      }
      return reply.status(201).send(published);
    },
  );

  app.delete(
    '/page-drafts/:pageSlug',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          "Drops a page's draft (204): a legal page goes back to its latest version or its template; a page of the " +
          "garden's own never published goes with it.",
        security: [{ bearer: [] }],
        params: Type.Object({ ...GardenParams.properties, ...SlugParams.properties }),
        response: { 204: Type.Null(), ...errorAnswers },
      },
    },
    async (request, reply) => {
      await pages.dropDraft(gardenOf(request.params.gardenId), request.params.pageSlug);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/pages/:pageSlug/versions',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          "A page's published versions, newest first: when, by whom, substantial or not, and the note.",
        security: [{ bearer: [] }],
        params: Type.Object({ ...GardenParams.properties, ...SlugParams.properties }),
        response: { 200: PageVersionList, ...errorAnswers },
      },
    },
    async (request) => pages.versions(gardenOf(request.params.gardenId), request.params.pageSlug),
  );

  app.get(
    '/page-images',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary: "The images uploaded for the garden's pages, newest first, with the pages that show each.",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: PageImageList, ...errorAnswers },
      },
    },
    async (request) => pages.images(gardenOf(request.params.gardenId)),
  );

  app.delete(
    '/page-images/:imageId',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['pages'],
        summary:
          'Deletes an image of the pages for good, every version of it (a photo whose consent was withdrawn): ' +
          'its address answers 404 from then on. Logged in the staff action log.',
        security: [{ bearer: [] }],
        params: Type.Object({ ...GardenParams.properties, ...ImageParams.properties }),
        response: { 204: Type.Null(), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, imageId } = request.params;
      await pages.deleteImage(gardenOf(gardenId), imageId, () =>
        logStaffAction(app, request, gardenId, {
          action: 'page-image.deleted',
          subject: { kind: 'settings', id: `page-image:${imageId}` },
        }),
      );
      return reply.status(204).send(null);
    },
  );

  // In a context of its own: its body parser takes any type, for the 415 to say what is accepted.
  const uploadRoutes: FastifyPluginAsyncTypebox = async (uploads) => {
    acceptImageBodies(uploads);
    uploads.post(
      '/page-images',
      {
        config: { roles: gardenAdminRoles },
        schema: {
          tags: ['pages'],
          summary: imageUploadSummary,
          security: [{ bearer: [] }],
          params: GardenParams,
          consumes: [...pageImageTypes],
          response: {
            201: Type.Object({ url: Type.String() }),
            ...errorAnswers,
            ...imageUploadAnswers,
          },
        },
      },
      async (request, reply) => pages.uploadImage(request, reply, gardenOf(request.params.gardenId)),
    );
  };
  await app.register(uploadRoutes);
};
