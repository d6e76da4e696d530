import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { listStaffActions, verifyActionChain } from '../adapters/store/action-log.ts';
import { networkActionChain } from '../domain/journal/staff-actions.ts';
import type {
  PageDraftView,
  PageImageList,
  PublishedPage,
  PublisherLegalDetails,
} from '../domain/garden-pages.ts';
import { testEnvironment } from '../tests/support/environment.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { emailsTo, uniqueEmail } from '../tests/support/moto.ts';
import { termsNoticeWorkflowId } from '../workflows/terms-notice/contract.ts';
import type { termsNotice } from '../workflows/terms-notice/workflow.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/** A PNG's signature and a few bytes: enough for the magic-number check and for S3. */
const png = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

const legalDetails = {
  legalName: 'Association Les Jardins du Val',
  legalForm: 'Association loi 1901',
  siret: '123 456 789 00015',
  address: '2 chemin des Vergers, 25220 Chalezeule',
  publicationDirector: 'Marie Curie',
  host: { name: 'Hébergeur SAS', address: '1 rue du Cloud, 75000 Paris', contact: '01 23 45 67 89' },
};

/** The garden's pages through the API: legal details, drafts, publishing, public reads, images. */
describe('the garden’s pages', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;
  let networkAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('pages');
    [gardenAdmin, networkAdmin] = await Promise.all([
      createAccount({
        role: 'garden-admin',
        gardenId: api.gardenId,
        firstName: 'Claire',
        lastName: 'Dupont',
      }),
      createAccount({ role: 'network-admin' }),
    ]);
  });
  afterAll(async () => {
    await deleteAccounts([gardenAdmin, networkAdmin].filter(Boolean));
    await api?.close();
  });

  const gardenUrl = (suffix: string, gardenId = api.gardenId) => `/api/gardens/${gardenId}${suffix}`;

  async function saveDraft(slug: string, title: string, html: string, account = gardenAdmin) {
    const saved = await api.call(account, 'PUT', gardenUrl(`/page-drafts/${slug}`), { title, html });
    expect(saved.statusCode, saved.body).toBe(200);
    return saved.json<PageDraftView>();
  }

  it('keeps the legal details: staff read, administrators write, the SIRET checked, stale versions refused', async () => {
    const read = await api.call(api.accounts.staff, 'GET', gardenUrl('/legal-details'));
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<PublisherLegalDetails>()).toMatchObject({ version: 0, publicationDirector: '' });

    const byStaff = await api.call(api.accounts.staff, 'PUT', gardenUrl('/legal-details'), {
      ...legalDetails,
      version: 0,
    });
    expect(byStaff.statusCode).toBe(403);

    const wrongKey = await api.call(gardenAdmin, 'PUT', gardenUrl('/legal-details'), {
      ...legalDetails,
      siret: '123 456 789 00012',
      version: 0,
    });
    expect(wrongKey.statusCode, wrongKey.body).toBe(422);
    expect(wrongKey.json()).toMatchObject({ issues: [{ field: 'siret' }] });
    expect(wrongKey.json<{ message: string }>().message).toContain('SIRET');

    const saved = await api.call(gardenAdmin, 'PUT', gardenUrl('/legal-details'), {
      ...legalDetails,
      version: 0,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ ...legalDetails, siret: '12345678900015', version: 1 });
    const stale = await api.call(gardenAdmin, 'PUT', gardenUrl('/legal-details'), {
      ...legalDetails,
      version: 0,
    });
    expect(stale.statusCode).toBe(409);

    const log = await api.call(gardenAdmin, 'GET', gardenUrl('/staff-actions?limit=1'));
    expect(log.json()).toMatchObject({
      entries: [{ kind: 'legal-details.updated', actor: { name: 'Claire D.' } }],
    });
  });

  it('opens a legal page never edited on its template, filled from the legal details', async () => {
    const list = await api.call(gardenAdmin, 'GET', gardenUrl('/page-drafts'));
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ pages: Array<{ slug: string }> }>().pages.map((page) => page.slug)).toEqual([
      'mentions-legales',
      'cgv',
      'confidentialite',
      'accessibilite',
      'contact',
    ]);

    const draft = await api.call(gardenAdmin, 'GET', gardenUrl('/page-drafts/mentions-legales'));
    expect(draft.statusCode, draft.body).toBe(200);
    const view = draft.json<PageDraftView>();
    expect(view).toMatchObject({
      slug: 'mentions-legales',
      title: 'Mentions légales',
      legal: true,
      fromTemplate: true,
      publishedVersion: null,
      updatedAt: null,
      problems: [],
    });
    expect(view.html).toContain('Association Les Jardins du Val');
    expect(view.html).toContain('123 456 789 00015');
    expect(view.html).toContain('Marie Curie');
    expect(view.html).toContain(`contact-${api.gardenId}@example.org`);

    // Nothing is published yet: the public reads nothing.
    const page = await api.call(undefined, 'GET', gardenUrl('/pages/mentions-legales'));
    expect(page.statusCode).toBe(404);
    expect(page.json<{ message: string }>().message).toBe('La page « mentions-legales » n’est pas publiée.');
    expect((await api.call(undefined, 'GET', gardenUrl('/pages'))).json()).toEqual({ pages: [] });
  });

  it('sanitizes a draft, refuses to publish it while it is not accessible, then publishes versions', async () => {
    const hostile = await saveDraft(
      'cgv',
      'Conditions générales de vente',
      '<h2>Objet</h2><p onclick="alert(1)">Texte<script>alert(2)</script></p><h4>Saut</h4>' +
        '<p><a href="javascript:alert(3)">lien</a><img src="https://evil.example/x.png" alt="x"></p>',
    );
    expect(hostile.html).toBe('<h2>Objet</h2><p>Texte</p><h4>Saut</h4><p><a>lien</a></p>');
    expect(hostile.fromTemplate).toBe(false);
    expect(hostile.problems.map((problem) => problem.code)).toEqual(['heading-skip']);

    const refused = await api.call(gardenAdmin, 'POST', gardenUrl('/page-drafts/cgv/publish'), {
      substantial: true,
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({
      issues: [{ field: 'html', message: expect.stringContaining('« Saut »') }],
    });

    await saveDraft('cgv', 'Conditions générales de vente', '<h2>Objet</h2><p>Version 1</p>');
    const first = await api.call(gardenAdmin, 'POST', gardenUrl('/page-drafts/cgv/publish'), {
      substantial: true,
      note: ' Première version ',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json<PublishedPage>()).toMatchObject({ slug: 'cgv', version: 1, legal: true });

    // Published, the draft is gone: publishing again has nothing to publish.
    const again = await api.call(gardenAdmin, 'POST', gardenUrl('/page-drafts/cgv/publish'), {
      substantial: false,
    });
    expect(again.statusCode).toBe(422);

    await saveDraft('cgv', 'Conditions générales de vente', '<h2>Objet</h2><p>Version 2</p>');
    const second = await api.call(gardenAdmin, 'POST', gardenUrl('/page-drafts/cgv/publish'), {
      substantial: false,
    });
    expect(second.statusCode, second.body).toBe(201);

    const latest = await api.call(undefined, 'GET', gardenUrl('/pages/cgv'));
    expect(latest.statusCode, latest.body).toBe(200);
    expect(latest.json()).toMatchObject({
      slug: 'cgv',
      title: 'Conditions générales de vente',
      html: '<h2>Objet</h2><p>Version 2</p>',
      version: 2,
      legal: true,
    });
    const old = await api.call(undefined, 'GET', gardenUrl('/pages/cgv/versions/1'));
    expect(old.json()).toMatchObject({ html: '<h2>Objet</h2><p>Version 1</p>', version: 1 });
    expect((await api.call(undefined, 'GET', gardenUrl('/pages/cgv/versions/3'))).statusCode).toBe(404);

    const versions = await api.call(gardenAdmin, 'GET', gardenUrl('/pages/cgv/versions'));
    expect(versions.json()).toMatchObject({
      versions: [
        { version: 2, substantial: false, note: null, publishedBy: 'Claire D.' },
        { version: 1, substantial: true, note: 'Première version', publishedBy: 'Claire D.' },
      ],
    });
    expect(
      await api.store.pages.latestVersion({ kind: 'garden', gardenId: api.gardenId }, 'cgv'),
    ).toMatchObject({
      version: 2,
      substantial: false,
    });

    const log = await api.call(gardenAdmin, 'GET', gardenUrl('/staff-actions?limit=1'));
    expect(log.json()).toMatchObject({
      entries: [{ kind: 'page.published', subject: { kind: 'settings', id: 'page:cgv' } }],
    });

    // The editor opens on the latest version once its draft is published.
    const reopened = await api.call(gardenAdmin, 'GET', gardenUrl('/page-drafts/cgv'));
    expect(reopened.json()).toMatchObject({ html: '<h2>Objet</h2><p>Version 2</p>', publishedVersion: 2 });

    const list = await api.call(undefined, 'GET', gardenUrl('/pages'));
    expect(list.json()).toEqual({
      pages: [
        {
          slug: 'cgv',
          title: 'Conditions générales de vente',
          legal: true,
          version: 2,
          publishedAt: expect.any(String),
        },
      ],
    });
  });

  it('gives two publishes at once one version, never the same number twice', async () => {
    await saveDraft('confidentialite', 'Politique de confidentialité', '<h2>Données</h2><p>Texte</p>');
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        api.call(gardenAdmin, 'POST', gardenUrl('/page-drafts/confidentialite/publish'), {
          substantial: true,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.every((status) => status === 201 || status === 409 || status === 422)).toBe(true);
    const versions = await api.call(gardenAdmin, 'GET', gardenUrl('/pages/confidentialite/versions'));
    expect(versions.json<{ versions: unknown[] }>().versions).toHaveLength(1);
  });

  it('emails the members of a substantial new version of the terms, once; a minor one, never', async () => {
    const email = uniqueEmail('pages-terms');
    await api.store.members.create(
      api.gardenId,
      `m-${randomUUID().slice(0, 8)}`,
      { firstName: 'Jeanne', lastName: 'Baret', email },
      new Date().toISOString(),
    );
    const publish = async (substantial: boolean) => {
      await saveDraft('cgv', 'Conditions générales de vente', `<h2>Objet</h2><p>${randomUUID()}</p>`);
      const published = await api.call(gardenAdmin, 'POST', gardenUrl('/page-drafts/cgv/publish'), {
        substantial,
      });
      expect(published.statusCode, published.body).toBe(201);
      return published.json<PublishedPage>().version;
    };
    const notice = (version: number) =>
      api.client.workflow.getHandle<typeof termsNotice>(termsNoticeWorkflowId(api.gardenId, 'cgv', version));

    // The earlier tests' versions may reach the new member too (their runs go on): count this one's.
    const aboutCgv = async (version: number) =>
      (await emailsTo(email)).filter(
        (sent) =>
          sent.subject.includes('conditions générales de vente') &&
          sent.body.includes(`(version ${version})`),
      );

    const substantial = await publish(true);
    expect(await notice(substantial).result()).toMatchObject({ undelivered: 0, stopped: false });
    expect(await aboutCgv(substantial)).toHaveLength(1);
    // Announced again (a retried request): the run is not started twice, nobody written to twice.
    await api.app.commands.termsNotices.announce({
      gardenId: api.gardenId,
      slug: 'cgv',
      version: substantial,
    });
    expect(await aboutCgv(substantial)).toHaveLength(1);

    const minor = await publish(false);
    await expect(notice(minor).describe()).rejects.toThrow(WorkflowNotFoundError);
    expect(await aboutCgv(minor)).toEqual([]);
  });

  it('keeps a substantial version published when its emails cannot start, and tells staff', async () => {
    const { termsNotices } = api.app.commands;
    const announce = termsNotices.announce.bind(termsNotices);
    termsNotices.announce = () => Promise.reject(new Error('Temporal unreachable'));
    try {
      await saveDraft(
        'confidentialite',
        'Politique de confidentialité',
        `<h2>Données</h2><p>${randomUUID()}</p>`,
      );
      const published = await api.call(
        gardenAdmin,
        'POST',
        gardenUrl('/page-drafts/confidentialite/publish'),
        {
          substantial: true,
        },
      );
      expect(published.statusCode, published.body).toBe(201);
      const { version } = published.json<PublishedPage>();
      expect(await api.store.incidents.list(api.gardenId)).toContainEqual(
        expect.objectContaining({
          key: `terms-notice-not-started/confidentialite-v${version}`,
          cause: 'Temporal unreachable',
        }),
      );
    } finally {
      termsNotices.announce = announce;
    }
  });

  it('creates the garden’s own pages from a new slug, lists them after the legal ones, and drops them unpublished', async () => {
    const created = await saveDraft('nos-paniers', 'Nos paniers', '<p>Des légumes bio chaque semaine.</p>');
    expect(created).toMatchObject({ slug: 'nos-paniers', legal: false, publishedVersion: null });
    const list = await api.call(gardenAdmin, 'GET', gardenUrl('/page-drafts'));
    expect(list.json<{ pages: Array<{ slug: string }> }>().pages.at(-1)).toMatchObject({
      slug: 'nos-paniers',
      title: 'Nos paniers',
      legal: false,
      hasDraft: true,
    });

    const dropped = await api.call(gardenAdmin, 'DELETE', gardenUrl('/page-drafts/nos-paniers'));
    expect(dropped.statusCode, dropped.body).toBe(204);
    expect((await api.call(gardenAdmin, 'GET', gardenUrl('/page-drafts/nos-paniers'))).statusCode).toBe(404);
    expect((await api.call(gardenAdmin, 'DELETE', gardenUrl('/page-drafts/nos-paniers'))).statusCode).toBe(
      404,
    );
    // A legal page's draft dropped: back to its template; the page itself cannot go.
    await saveDraft('contact', 'Contact', '<p>Brouillon</p>');
    expect((await api.call(gardenAdmin, 'DELETE', gardenUrl('/page-drafts/contact'))).statusCode).toBe(204);
    expect((await api.call(gardenAdmin, 'GET', gardenUrl('/page-drafts/contact'))).json()).toMatchObject({
      fromTemplate: true,
    });
  });

  it('refuses slugs that are not page addresses, and other people than the garden’s administrators', async () => {
    for (const slug of ['constructor', '__proto__', 'Nos-Paniers', 'a--b', 'x'.repeat(61)]) {
      const response = await api.call(gardenAdmin, 'PUT', gardenUrl(`/page-drafts/${slug}`), {
        title: 'x',
        html: '',
      });
      expect(response.statusCode, slug).toBe(400);
      expect(response.json<{ issues: Array<{ field: string }> }>().issues[0]?.field).toBe('pageSlug');
    }
    const body = { title: 'x', html: '<p>x</p>' };
    expect((await api.call(api.accounts.staff, 'PUT', gardenUrl('/page-drafts/x'), body)).statusCode).toBe(
      403,
    );
    expect((await api.call(api.accounts.member, 'GET', gardenUrl('/page-drafts'))).statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', gardenUrl('/page-drafts'))).statusCode).toBe(401);
    const otherGarden = await api.call(api.accounts.otherStaff, 'GET', gardenUrl('/legal-details'));
    expect(otherGarden.statusCode).toBe(403);
    const tooLong = await api.call(gardenAdmin, 'PUT', gardenUrl('/page-drafts/x'), {
      title: 'x',
      html: 'x'.repeat(200_001),
    });
    expect(tooLong.statusCode).toBe(400);
    // Escaping makes 200 000 ampersands five times longer than typed: too long to keep, in words.
    const swollen = await api.call(gardenAdmin, 'PUT', gardenUrl('/page-drafts/x'), {
      title: 'x',
      html: '&'.repeat(200_000),
    });
    expect(swollen.statusCode, swollen.body).toBe(422);
    expect((await api.call(undefined, 'GET', '/api/gardens/jardin-inconnu/pages')).statusCode).toBe(404);
  });

  it('keeps images in S3 and serves them to anyone, never SVG nor bytes that are not what they say', async () => {
    const url = gardenUrl('/page-images');
    const uploaded = await api.call(gardenAdmin, 'POST', url, png, { 'content-type': 'image/png' });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const { url: imageUrl } = uploaded.json<{ url: string }>();
    expect(imageUrl).toMatch(new RegExp(`^/api/gardens/${api.gardenId}/page-images/img-[a-z0-9]{12}$`));

    const image = await api.call(undefined, 'GET', imageUrl);
    expect(image.statusCode).toBe(200);
    expect(image.rawPayload.equals(png)).toBe(true);
    expect(image.headers).toMatchObject({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });

    const svg = await api.call(
      gardenAdmin,
      'POST',
      url,
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      {
        'content-type': 'image/svg+xml',
      },
    );
    expect(svg.statusCode).toBe(415);
    expect(svg.json<{ message: string }>().message).toContain('SVG');
    const disguised = await api.call(gardenAdmin, 'POST', url, Buffer.from('<svg onload=alert(1)>'), {
      'content-type': 'image/png',
    });
    expect(disguised.statusCode).toBe(422);
    const tooBig = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    expect(
      (await api.call(gardenAdmin, 'POST', url, tooBig, { 'content-type': 'image/png' })).statusCode,
    ).toBe(413);
    expect(
      (await api.call(api.accounts.staff, 'POST', url, png, { 'content-type': 'image/png' })).statusCode,
    ).toBe(403);

    // The garden's own image stays in a page; another garden's is dropped.
    const other = `/api/gardens/${api.otherGardenId}/page-images/img-0123456789ab`;
    const draft = await saveDraft(
      'ou-nous-trouver',
      'Où nous trouver',
      `<figure class="image"><img src="${imageUrl}" alt="Le jardin"></figure><p><img src="${other}" alt="x"></p>`,
    );
    expect(draft.html).toBe(
      `<figure class="image"><img src="${imageUrl}" alt="Le jardin" /></figure><p></p>`,
    );
    expect((await api.call(undefined, 'GET', gardenUrl('/page-images/img-000000000000'))).statusCode).toBe(
      404,
    );
  });

  it('lists the garden’s images with the pages showing them, and deletes one for good, logged', async () => {
    const url = gardenUrl('/page-images');
    const upload = async () => {
      const uploaded = await api.call(gardenAdmin, 'POST', url, png, { 'content-type': 'image/png' });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      return uploaded.json<{ url: string }>().url;
    };
    const photo = await upload();
    const spare = await upload();
    const photoId = photo.split('/').at(-1)!;
    await saveDraft('photos-du-jardin', 'Photos <b>du jardin</b>', `<p><img src="${photo}" alt="Rose"></p>`);

    const listed = await api.call(gardenAdmin, 'GET', url);
    expect(listed.statusCode, listed.body).toBe(200);
    const { images } = listed.json<PageImageList>();
    const byUrl = new Map(images.map((image) => [image.url, image]));
    expect(byUrl.get(photo)).toMatchObject({
      id: photoId,
      bytes: png.length,
      usedIn: [{ slug: 'photos-du-jardin', title: 'Photos <b>du jardin</b>', where: 'draft' }],
    });
    expect(byUrl.get(spare)?.usedIn).toEqual([]);
    expect((await api.call(api.accounts.staff, 'GET', url)).statusCode).toBe(403);
    expect((await api.call(api.accounts.otherStaff, 'GET', url)).statusCode).toBe(403);

    // Staff may not delete; another garden's admin finds nothing; a malformed id is refused.
    expect((await api.call(api.accounts.staff, 'DELETE', photo)).statusCode).toBe(403);
    const elsewhere = gardenUrl(`/page-images/${photoId}`, api.otherGardenId);
    expect((await api.call(gardenAdmin, 'DELETE', elsewhere)).statusCode).toBe(403);
    expect((await api.call(gardenAdmin, 'DELETE', gardenUrl('/page-images/__proto__'))).statusCode).toBe(400);

    const deleted = await api.call(gardenAdmin, 'DELETE', photo);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await api.call(undefined, 'GET', photo)).statusCode).toBe(404);
    expect((await api.call(gardenAdmin, 'DELETE', photo)).statusCode).toBe(404);
    // Gone for good: no version nor delete marker is left in the bucket.
    const env = testEnvironment();
    const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
    try {
      const left = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: env.S3_BUCKET ?? 'cocagne-documents',
          Prefix: `${api.gardenId}/page-images/${photoId}`,
        }),
      );
      expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
    } finally {
      s3.destroy();
    }
    const after = (await api.call(gardenAdmin, 'GET', url)).json<PageImageList>();
    expect(after.images.map((image) => image.url)).toContain(spare);
    expect(after.images.map((image) => image.url)).not.toContain(photo);

    const { entries } = await listStaffActions(api.store, api.gardenId, { limit: 200 });
    expect(entries.filter((entry) => entry.action === 'page-image.deleted')).toEqual([
      expect.objectContaining({ subject: { kind: 'settings', id: `page-image:${photoId}` } }),
    ]);
  });

  it('keeps the network’s own legal details, which fill its legal pages’ templates', async () => {
    // They outlive a test run: the test writes the next version of whatever is there.
    const url = '/api/network/legal-details';
    expect((await api.call(gardenAdmin, 'GET', url)).statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', url)).statusCode).toBe(401);
    const read = await api.call(networkAdmin, 'GET', url);
    expect(read.statusCode, read.body).toBe(200);
    const { version } = read.json<PublisherLegalDetails>();

    const details = {
      ...legalDetails,
      legalName: 'Réseau Cocagne <b>test</b>',
      publicationDirector: `Directrice ${version + 1}`,
    };
    expect((await api.call(gardenAdmin, 'PUT', url, { ...details, version })).statusCode).toBe(403);
    const wrongKey = await api.call(networkAdmin, 'PUT', url, {
      ...details,
      siret: '123 456 789 00012',
      version,
    });
    expect(wrongKey.statusCode, wrongKey.body).toBe(422);
    expect(wrongKey.json()).toMatchObject({ issues: [{ field: 'siret' }] });
    const saved = await api.call(networkAdmin, 'PUT', url, { ...details, version });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      publicationDirector: `Directrice ${version + 1}`,
      version: version + 1,
    });
    const stale = await api.call(networkAdmin, 'PUT', url, { ...details, version });
    expect(stale.statusCode, stale.body).toBe(409);

    // Logged in the network's own chain, with who, the before and after; read by network admins only.
    const journal = '/api/network/staff-actions?subjectKind=settings&limit=200';
    expect((await api.call(gardenAdmin, 'GET', journal)).statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', journal)).statusCode).toBe(401);
    const logged = await api.call(networkAdmin, 'GET', journal);
    expect(logged.statusCode, logged.body).toBe(200);
    const mine = logged
      .json<{
        entries: Array<{ kind: string; actor?: { id: string }; changes?: Array<{ after?: unknown }> }>;
      }>()
      .entries.find(
        (entry) =>
          entry.kind === 'network-legal-details.updated' &&
          entry.changes?.some((change) => change.after === `Directrice ${version + 1}`),
      );
    expect(mine, logged.body).toMatchObject({
      actor: { id: networkAdmin.userId },
      text: { fr: expect.stringContaining('Mentions légales du réseau modifiées') as unknown },
    });
    const csv = await api.call(networkAdmin, 'GET', `${journal}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toContain('journal-actions-reseau.csv');
    const chain = await verifyActionChain(api.store, networkActionChain);
    expect(chain, JSON.stringify(chain)).toMatchObject({ ok: true });

    // The network's CGV, which no test writes, is still its template: filled from them, escaped.
    const template = await api.call(networkAdmin, 'GET', '/api/network/page-drafts/cgv');
    expect(template.statusCode, template.body).toBe(200);
    expect(template.json<PageDraftView>().html).toContain('Réseau Cocagne &lt;b&gt;test&lt;/b&gt;');
  });

  it('lets the network publish pages of its own, read by anyone', async () => {
    // The network's pages outlive a test run: the test writes a new version of one legal page.
    const url = '/api/network/page-drafts/accessibilite';
    const refused = await api.call(gardenAdmin, 'PUT', url, { title: 'Accessibilité', html: '<p>x</p>' });
    expect(refused.statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', url)).statusCode).toBe(401);

    const saved = await api.call(networkAdmin, 'PUT', url, {
      title: 'Déclaration d’accessibilité du réseau',
      html: '<h2>État de conformité</h2><p>Partiellement conforme.</p>',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await api.call(networkAdmin, 'POST', `${url}/publish`, { substantial: false });
    expect(published.statusCode, published.body).toBe(201);
    const version = published.json<PublishedPage>().version;
    const read = await api.call(undefined, 'GET', '/api/network/pages/accessibilite');
    expect(read.json()).toMatchObject({
      title: 'Déclaration d’accessibilité du réseau',
      version,
      legal: true,
    });
    const list = await api.call(undefined, 'GET', '/api/network/pages');
    expect(list.json<{ pages: Array<{ slug: string }> }>().pages.map((page) => page.slug)).toContain(
      'accessibilite',
    );
    const { entries } = await listStaffActions(api.store, networkActionChain, { limit: 200 });
    expect(
      entries.find(
        (entry) =>
          entry.action === 'page.published' &&
          entry.subject.id === 'page:accessibilite' &&
          entry.actor.id === networkAdmin.userId,
      ),
    ).toBeDefined();
  });

  it('deletes an image of the network’s pages for good, logged in the network’s chain', async () => {
    const uploaded = await api.call(networkAdmin, 'POST', '/api/network/page-images', png, {
      'content-type': 'image/png',
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const image = uploaded.json<{ url: string }>().url;
    const imageId = image.split('/').at(-1)!;
    expect((await api.call(gardenAdmin, 'DELETE', image)).statusCode).toBe(403);
    const deleted = await api.call(networkAdmin, 'DELETE', image);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await api.call(undefined, 'GET', image)).statusCode).toBe(404);
    const { entries } = await listStaffActions(api.store, networkActionChain, { limit: 200 });
    expect(
      entries.filter(
        (entry) => entry.action === 'page-image.deleted' && entry.subject.id === `page-image:${imageId}`,
      ),
    ).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: networkAdmin.userId }) as unknown }),
    ]);
    // Nothing of it in the garden's chain.
    const garden = await listStaffActions(api.store, api.gardenId, { limit: 200 });
    expect(garden.entries.some((entry) => entry.subject.id === `page-image:${imageId}`)).toBe(false);
  });
});
