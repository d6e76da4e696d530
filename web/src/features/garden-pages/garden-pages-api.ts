import { request } from '../../api-client/request.ts';
import type {
  AccessibilityProblem,
  LegalDetailsInput,
  PageDraftInput,
  PageDraftList,
  PageDraftView,
  PageImageList,
  PagePublisher,
  PageVersionList,
  PublishedPage,
  PublishedPageList,
  PublishInput,
  PublisherLegalDetails,
} from '../../../../domain/garden-pages.ts';

export type {
  AccessibilityProblem,
  LegalDetailsInput,
  PageDraftInput,
  PageDraftView,
  PublishedPage,
  PublishInput,
  PublisherLegalDetails,
};

/**
 * Who publishes a page: a garden, or the network itself. Every call below names one; the
 * garden's address is `/gardens/{gardenId}/…`, the network's `/network/…`.
 */
export type Publisher = PagePublisher;
export type PublishedPageEntry = PublishedPageList['pages'][number];
export type PageDraftEntry = PageDraftList['pages'][number];
export type PageVersionEntry = PageVersionList['versions'][number];

export const networkPublisher: Publisher = { kind: 'network' };
export const gardenPublisher = (gardenId: string): Publisher => ({ kind: 'garden', gardenId });

/** A key for maps and storage: `garden:val-du-doubs` or `network`. */
export const publisherKey = (publisher: Publisher) =>
  publisher.kind === 'garden' ? `garden:${publisher.gardenId}` : 'network';

export const publisherPath = (publisher: Publisher) =>
  publisher.kind === 'garden' ? `/gardens/${encodeURIComponent(publisher.gardenId)}` : '/network';

const pagePath = (publisher: Publisher, slug: string) =>
  `${publisherPath(publisher)}/pages/${encodeURIComponent(slug)}`;
const draftPath = (publisher: Publisher, slug: string) =>
  `${publisherPath(publisher)}/page-drafts/${encodeURIComponent(slug)}`;

// The public reads go without a token (`signedIn: false`): anyone reads them, and a refused
// token must not end a session over a footer.

/** The published pages, legal ones first; the footer says nothing when this fails. */
export const listPublished = (publisher: Publisher) =>
  request<PublishedPageList>('GET', `${publisherPath(publisher)}/pages`, {
    signedIn: false,
    toast: false,
  });

/** The latest version; 404 when the page is not published yet. */
export const readPublished = (publisher: Publisher, slug: string) =>
  request<PublishedPage>('GET', pagePath(publisher, slug), { signedIn: false, toast: false });

/** One older version (a member reads the CGV they accepted). */
export const readVersion = (publisher: Publisher, slug: string, version: number) =>
  request<PublishedPage>('GET', `${pagePath(publisher, slug)}/versions/${version}`, {
    signedIn: false,
    toast: false,
  });

// Administrators of the garden (or of the network, for its own pages) from here on.

export const listDrafts = (publisher: Publisher) =>
  request<PageDraftList>('GET', `${publisherPath(publisher)}/page-drafts`, { toast: false });

export const readDraft = (publisher: Publisher, slug: string) =>
  request<PageDraftView>('GET', draftPath(publisher, slug), { toast: false });

/** Saves what is typed (the server sanitizes it); a new slug creates one of the garden's own pages. */
export const saveDraft = (publisher: Publisher, slug: string, input: PageDraftInput, signal?: AbortSignal) =>
  request<PageDraftView>('PUT', draftPath(publisher, slug), {
    body: input,
    toast: false,
    ...(signal ? { signal } : {}),
  });

/** Drops the draft; a page of the garden's own never published goes with it. */
export const deleteDraft = (publisher: Publisher, slug: string) =>
  request<void>('DELETE', draftPath(publisher, slug), { toast: false });

/** 422 while accessibility problems remain. */
export const publishDraft = (publisher: Publisher, slug: string, input: PublishInput) =>
  request<PublishedPage>('POST', `${draftPath(publisher, slug)}/publish`, { body: input, toast: false });

export const listVersions = (publisher: Publisher, slug: string) =>
  request<PageVersionList>('GET', `${pagePath(publisher, slug)}/versions`, { toast: false });

/** The image's own bytes as the body (no form); the answer is the address to put in the page. */
export const uploadImage = (publisher: Publisher, file: Blob, signal?: AbortSignal) =>
  request<{ url: string }>('POST', `${publisherPath(publisher)}/page-images`, {
    body: file,
    toast: false,
    ...(signal ? { signal } : {}),
  });

export type PageImageEntry = PageImageList['images'][number];

/** The publisher's images, newest first, with the pages showing each (administrators). */
export const listImages = (publisher: Publisher) =>
  request<PageImageList>('GET', `${publisherPath(publisher)}/page-images`, { toast: false });

/** Deletes an image for good, every copy of it: its address answers 404 from then on. */
export const deleteImage = (publisher: Publisher, imageId: string) =>
  request<void>('DELETE', `${publisherPath(publisher)}/page-images/${encodeURIComponent(imageId)}`, {
    toast: false,
  });

const legalDetailsPath = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/legal-details`;

export const getLegalDetails = (gardenId: string) =>
  request<PublisherLegalDetails>('GET', legalDetailsPath(gardenId), { toast: false });

/** `version` is the one read: a change made meanwhile answers 409. */
export const saveLegalDetails = (gardenId: string, input: LegalDetailsInput, version: number) =>
  request<PublisherLegalDetails>('PUT', legalDetailsPath(gardenId), {
    body: { ...input, version },
    toast: false,
  });

/** The network's own legal details (network administrators), which its pages' templates use. */
export const getNetworkLegalDetails = () =>
  request<PublisherLegalDetails>('GET', '/network/legal-details', { toast: false });

export const saveNetworkLegalDetails = (input: LegalDetailsInput, version: number) =>
  request<PublisherLegalDetails>('PUT', '/network/legal-details', {
    body: { ...input, version },
    toast: false,
  });
