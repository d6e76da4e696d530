import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { orProblem } from '../../api-client/problems.ts';
import { listPublished, publisherKey, type Publisher, type PublishedPageEntry } from './garden-pages-api.ts';

/**
 * The pages a garden (or the network) has published, as the footer of every page lists them:
 * read once per publisher and visit. A failed read is an empty list: the footer still links
 * the legal pages, which say themselves whether they are published.
 */
export const usePublishedPagesStore = defineStore('publishedPages', () => {
  const lists = reactive(new Map<string, PublishedPageEntry[]>());
  const reading = new Map<string, Promise<void>>();

  async function load(publisher: Publisher): Promise<void> {
    const key = publisherKey(publisher);
    if (lists.has(key)) return;
    const pending = reading.get(key);
    if (pending) return pending;
    const read = (async () => {
      const answer = await orProblem(() => listPublished(publisher));
      lists.set(key, answer?.pages ?? []);
    })().finally(() => reading.delete(key));
    reading.set(key, read);
    return read;
  }

  /** The publisher's own pages (« Nos paniers »…), once read; the legal ones the footer always shows. */
  function ownPages(publisher: Publisher): PublishedPageEntry[] {
    return (lists.get(publisherKey(publisher)) ?? []).filter((page) => !page.legal);
  }

  /** After a publication: the next footer shows the new page. */
  function forget(publisher: Publisher): void {
    lists.delete(publisherKey(publisher));
  }

  return { load, ownPages, forget };
});
