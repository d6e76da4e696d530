import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import PageImagesCard from './PageImagesCard.vue';

const base = '/api/gardens/val-du-doubs/page-images';
const shown = {
  id: 'img-aaaaaaaaaaaa',
  url: `${base}/img-aaaaaaaaaaaa`,
  bytes: 48_000,
  uploadedAt: '2026-11-30T09:15:00.000Z',
  usedIn: [
    { slug: 'photos', title: 'Nos <b>photos</b>', where: 'published' },
    { slug: 'photos', title: 'Nos <b>photos</b>', where: 'draft' },
  ],
};
const spare = { ...shown, id: 'img-bbbbbbbbbbbb', url: `${base}/img-bbbbbbbbbbbb`, usedIn: [] };

async function mountCard(deleteStatus = 204) {
  setLocale('fr');
  const api = stubApi((call) =>
    call.method === 'DELETE'
      ? deleteStatus === 204
        ? { status: 204 }
        : { status: deleteStatus, body: { error: 'not_found', message: 'Image introuvable.' } }
      : { body: { images: [shown, spare] } },
  );
  const pinia = signedIn({ ...staffIdentity, roles: ['garden-admin'] });
  const wrapper = mount(PageImagesCard, {
    props: { publisher: { kind: 'garden', gardenId: 'val-du-doubs' } },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

describe('« Images des pages »', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lists the images with the pages showing them, and deletes one for good after a warning', async () => {
    const { wrapper, api } = await mountCard();
    expect(api.calls[0]).toMatchObject({ method: 'GET', path: base });
    const rows = wrapper.findAll('[data-testid="page-image"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.get('img').attributes('src')).toBe(shown.url);
    // A page's title is text, never markup.
    expect(rows[0]!.get('[data-testid="page-image-used-in"]').text()).toBe(
      'Montrée par : Nos <b>photos</b> (en ligne), Nos <b>photos</b> (brouillon)',
    );
    expect(rows[0]!.find('b').exists()).toBe(false);
    expect(rows[1]!.text()).toContain('Montrée par aucune page.');

    await rows[0]!.get('[data-testid="delete-page-image"]').trigger('click');
    const dialog = wrapper.get('[data-testid="delete-page-image-dialog"]');
    expect(dialog.get('[data-testid="delete-page-image-shown"]').text()).toContain(
      'Nos <b>photos</b> (en ligne)',
    );
    // Cancelled: nothing is sent.
    await dialog.get('button.btn-secondary').trigger('click');
    expect(wrapper.find('[data-testid="delete-page-image-dialog"]').exists()).toBe(false);
    expect(api.calls.filter((call) => call.method === 'DELETE')).toEqual([]);

    await rows[0]!.get('[data-testid="delete-page-image"]').trigger('click');
    await wrapper.get('[data-testid="delete-page-image-dialog"] form').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'DELETE').map((call) => call.path)).toEqual([
      shown.url,
    ]);
    expect(wrapper.find('[data-testid="delete-page-image-dialog"]').exists()).toBe(false);
    expect(
      wrapper.findAll('[data-testid="page-image"]').map((row) => row.attributes('data-image-id')),
    ).toEqual([spare.id]);
  });

  it('reads the list again when the image was gone already', async () => {
    const { wrapper, api } = await mountCard(404);
    await wrapper.findAll('[data-testid="delete-page-image"]')[1]!.trigger('click');
    await wrapper.get('[data-testid="delete-page-image-dialog"] form').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'GET')).toHaveLength(2);
    expect(wrapper.find('[data-testid="delete-page-image-dialog"]').exists()).toBe(false);
  });
});
