import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { CocagneError } from '../../domain/errors.ts';
import {
  LegalDetailsInput,
  normalizeLegalDetails,
  PageDraftInput,
  PageDraftList,
  PageDraftView,
  pageImageTypes,
  PageImageList,
  PageVersionList,
  PublishedPage,
  PublishedPageList,
  PublishInput,
  PublisherLegalDetails,
  type PagePublisher,
  type TemplateDetails,
} from '../../domain/garden-pages.ts';
import { networkActionChain } from '../../domain/journal/staff-actions.ts';
import { requireRole } from '../plugins/auth.ts';
import { logStaffAction, staffChangeLog } from '../plugins/request-origin.ts';
import { errorAnswers, Version } from '../schemas.ts';
import {
  acceptImageBodies,
  draftAnswers,
  draftBodyLimit,
  ImageParams,
  imageAnswer,
  imageUploadAnswers,
  imageUploadSummary,
  pageService,
  SlugParams,
  VersionParams,
} from './garden-pages.ts';

const network: PagePublisher = { kind: 'network' };

/**
 * The network's own pages (its legal pages and any other), published by network administrators
 * and read by anyone: the same reads and writes as a garden's pages (garden-pages.ts), under
 * `/network/…`, with their own images.
 */
export const networkPagesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const pages = pageService(app);
  const { store } = app;

  /**
   * The network's templates are filled from its own legal details (`PUT /network/legal-details`);
   * a detail not written yet shows « [à compléter] ». The network has no contact address of its own.
   */
  const networkTemplateDetails = async (): Promise<TemplateDetails> => {
    const { version: _version, ...legal } = await store.pages.networkLegalDetails();
    return { legal, contact: { email: '' } };
  };

  const networkAdminOnly = async (request: FastifyRequest) => {
    await app.authenticate(request);
    requireRole(request, ['network-admin']);
  };
  const publicReads = app.limitPerAddress('publicReads');

  app.get(
    '/network/pages',
    {
      onRequest: publicReads,
      schema: {
        tags: ['pages'],
        summary: "The network's published pages (public): the legal ones first, then its own by title.",
        response: { 200: PublishedPageList, ...errorAnswers },
      },
    },
    async () => pages.publishedList(network),
  );

  app.get(
    '/network/pages/:pageSlug',
    {
      onRequest: publicReads,
      schema: {
        tags: ['pages'],
        summary: "A network page's latest published version (public); 404 while it is not published.",
        params: SlugParams,
        response: { 200: PublishedPage, ...errorAnswers },
      },
    },
    async (request) => pages.published(network, request.params.pageSlug),
  );

  app.get(
    '/network/pages/:pageSlug/versions/:version',
    {
      onRequest: publicReads,
      schema: {
        tags: ['pages'],
        summary: 'One published version of a network page (public).',
        params: VersionParams,
        response: { 200: PublishedPage, ...errorAnswers },
      },
    },
    async (request) => pages.publishedVersion(network, request.params.pageSlug, request.params.version),
  );

  app.get(
    '/network/page-images/:imageId',
    {
      onRequest: publicReads,
      schema: {
        tags: ['pages'],
        summary:
          "An image of the network's pages (public, under its address until an administrator deletes it).",
        params: ImageParams,
        response: { 200: imageAnswer, ...errorAnswers },
      },
    },
    async (request, reply) => pages.sendImage(reply, network, request.params.imageId),
  );

  app.get(
    '/network/legal-details',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary:
          "Who publishes the network's own pages, as their legal templates name it (network administrators). " +
          'Version 0, every detail empty, before any was saved.',
        security: [{ bearer: [] }],
        response: { 200: PublisherLegalDetails, ...errorAnswers },
      },
    },
    async () => store.pages.networkLegalDetails(),
  );

  app.put(
    '/network/legal-details',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary:
          "Saves the network's legal details (network administrators). `version` must be the one read: a " +
          'concurrent change gives 409. A SIRET whose check digit is wrong is refused (422). Logged in the ' +
          "network's action log (GET /network/staff-actions).",
        security: [{ bearer: [] }],
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
      const { version: expected, ...input } = request.body;
      const outcome = normalizeLegalDetails(input);
      if (!outcome.ok) throw new CocagneError('refused', outcome.message, { field: outcome.field });
      const before = await store.pages.networkLegalDetails();
      return store.pages.saveNetworkLegalDetails(
        outcome.value,
        expected,
        staffChangeLog(app, request, networkActionChain, {
          action: 'network-legal-details.updated',
          subject: { kind: 'settings', id: 'legal-details' },
          ...(before.version > 0 ? { before } : {}),
        }),
      );
    },
  );

  app.get(
    '/network/page-drafts',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary:
          "The network's pages as its administrators edit them: the five legal pages always, then its own.",
        security: [{ bearer: [] }],
        response: { 200: PageDraftList, ...errorAnswers },
      },
    },
    async () => pages.draftList(network),
  );

  app.get(
    '/network/page-drafts/:pageSlug',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary:
          "A network page's draft with its accessibility problems: the draft, else the latest version, else (a " +
          'legal page never edited) its template. An unknown page of its own: 404.',
        security: [{ bearer: [] }],
        params: SlugParams,
        response: { 200: PageDraftView, ...errorAnswers },
      },
    },
    async (request) => pages.draft(network, request.params.pageSlug, networkTemplateDetails),
  );

  app.put(
    '/network/page-drafts/:pageSlug',
    {
      onRequest: networkAdminOnly,
      bodyLimit: draftBodyLimit,
      schema: {
        tags: ['pages'],
        summary:
          "Saves a network page's draft, its HTML sanitized; a new slug creates a page. Answers the draft as saved " +
          'and its accessibility problems.',
        security: [{ bearer: [] }],
        params: SlugParams,
        body: PageDraftInput,
        response: { 200: PageDraftView, ...errorAnswers, ...draftAnswers },
      },
    },
    async (request) => pages.saveDraft(request, network, request.params.pageSlug, request.body),
  );

  app.post(
    '/network/page-drafts/:pageSlug/publish',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary:
          "Publishes a network page's draft as its next version and clears the draft. 422 when there is no draft or " +
          "while accessibility problems remain; 409 when the page changed meanwhile. Logged in the network's action log.",
        security: [{ bearer: [] }],
        params: SlugParams,
        body: PublishInput,
        response: { 201: PublishedPage, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const slug = request.params.pageSlug;
      const published = await pages.publish(request, network, slug, request.body, () =>
        staffChangeLog(app, request, networkActionChain, {
          action: 'page.published',
          subject: { kind: 'settings', id: `page:${slug}` },
        }),
      );
      return reply.status(201).send(published);
    },
  );

  app.delete(
    '/network/page-drafts/:pageSlug',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary: "Drops a network page's draft (204); a page of its own never published goes with it.",
        security: [{ bearer: [] }],
        params: SlugParams,
        response: { 204: Type.Null(), ...errorAnswers },
      },
    },
    async (request, reply) => {
      await pages.dropDraft(network, request.params.pageSlug);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/network/pages/:pageSlug/versions',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary: "A network page's published versions, newest first.",
        security: [{ bearer: [] }],
        params: SlugParams,
        response: { 200: PageVersionList, ...errorAnswers },
      },
    },
    async (request) => pages.versions(network, request.params.pageSlug),
  );

  app.get(
    '/network/page-images',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary: "The images uploaded for the network's pages, newest first, with the pages that show each.",
        security: [{ bearer: [] }],
        response: { 200: PageImageList, ...errorAnswers },
      },
    },
    async () => pages.images(network),
  );

  app.delete(
    '/network/page-images/:imageId',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['pages'],
        summary:
          "Deletes an image of the network's pages for good, every version of it: its address answers 404 from then on. " +
          "Logged in the network's action log.",
        security: [{ bearer: [] }],
        params: ImageParams,
        response: { 204: Type.Null(), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { imageId } = request.params;
      await pages.deleteImage(network, imageId, () =>
        logStaffAction(app, request, networkActionChain, {
          action: 'page-image.deleted',
          subject: { kind: 'settings', id: `page-image:${imageId}` },
        }),
      );
      return reply.status(204).send(null);
    },
  );

  const uploadRoutes: FastifyPluginAsyncTypebox = async (uploads) => {
    acceptImageBodies(uploads);
    uploads.post(
      '/network/page-images',
      {
        onRequest: networkAdminOnly,
        schema: {
          tags: ['pages'],
          summary: imageUploadSummary,
          security: [{ bearer: [] }],
          consumes: [...pageImageTypes],
          response: { 201: Type.Object({ url: Type.String() }), ...errorAnswers, ...imageUploadAnswers },
        },
      },
      async (request, reply) => pages.uploadImage(request, reply, network),
    );
  };
  await app.register(uploadRoutes);
};
