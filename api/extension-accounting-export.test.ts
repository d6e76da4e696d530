import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { exportFallbackNotice } from '../domain/extensions/accounting-export.ts';
import type { Invoice, Payment } from '../domain/invoices.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { sampleUpload } from '../tests/support/extensions.ts';

/**
 * The accountant's export through the garden's accounting-export extension: Val du Doubs'
 * ecritures-fec (Go) writes a FEC in ISO-8859-15; a garden without an extension gets today's
 * CSV, and so does a garden whose extension fails.
 */
describe('the accountant export through the accounting-export hook', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  const staffActor = { by: { userId: 'u-staff', name: 'Camille Martin' }, at: '2025-03-01T10:00:00.000Z' };
  const admin = { by: { userId: 'u-admin', name: 'Admin' }, at: new Date().toISOString() };
  let invoice: Invoice;

  async function paidInvoice(gardenId: string, memberId: string, source: string): Promise<Invoice> {
    const issued = await api.store.invoices.issue(
      {
        gardenId,
        memberId,
        subject: 'Paniers de janvier',
        issuedOn: addDays(today, -20),
        dueOn: addDays(today, -10),
        lines: [{ label: 'Panier', quantity: 1, unitPrice: 4250, amount: 4250 }],
        total: 4250,
      },
      source,
    );
    const payment: Payment = {
      id: `p-${source}`,
      method: 'cheque',
      amount: 4250,
      receivedOn: '2025-01-10',
      reference: '0042',
      bank: 'Crédit Agricole',
      recorded: staffActor,
    };
    await api.store.invoices.addPayment(gardenId, issued.number, payment);
    return issued;
  }

  /**
   * `count` payments received in `year`, a hundred to an invoice (as many invoices' worth, in
   * far fewer writes); `long` fills the texts the export carries to their 200 characters.
   */
  async function manyPayments(gardenId: string, memberId: string, year: number, count: number, long = false) {
    const methods = ['card', 'sepa', 'transfer', 'cheque', 'cash'] as const;
    for (let first = 0; first < count; first += 100) {
      const issued = await api.store.invoices.issue(
        {
          gardenId,
          memberId,
          subject: `Paniers ${year}, lot ${first / 100 + 1}`,
          issuedOn: `${year}-01-02`,
          dueOn: `${year}-01-12`,
          lines: [{ label: 'Panier', quantity: 100, unitPrice: 1700, amount: 170_000 }],
          total: 170_000,
        },
        `bulk/${year}/${first}`,
      );
      const payments: Payment[] = Array.from({ length: Math.min(100, count - first) }, (_, i) => {
        const n = first + i;
        return {
          id: `p-${year}-${n}`,
          method: methods[n % 5]!,
          amount: 1700,
          receivedOn: `${year}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
          reference: long ? `${n}`.padEnd(200, 'R') : `ref-${n}`,
          ...(long ? { bank: 'Crédit Agricole '.padEnd(200, 'B') } : {}),
          recorded: staffActor,
        };
      });
      await api.store.invoices.replace(issued, { payments });
    }
  }

  beforeAll(async () => {
    api = await startTestApi('ext-accounting');
    const pricing = await api.store.settings.pricing(api.gardenId);
    const { version, ...input } = pricing;
    await api.store.settings.savePricing(
      api.gardenId,
      { ...input, legal: { ...input.legal, name: 'Jardin du Val', siret: '12345678900012' } },
      version,
    );
    const zoe = await api.createMember({ firstName: 'Zoé', lastName: 'Œillet' });
    invoice = await paidInvoice(api.gardenId, zoe.id, 'fec/1');
    // The other garden has no extension: its staff get today's CSV.
    const other = await api.store.members.create(
      api.otherGardenId,
      'm-other-ext',
      { firstName: 'Noé', lastName: 'Lévêque' },
      new Date().toISOString(),
    );
    await paidInvoice(api.otherGardenId, other.id, 'fec/other');

    const upload = await sampleUpload('ecritures-fec');
    const catalogue = api.app.extensions!.catalogue;
    await catalogue.upload(api.gardenId, upload, admin);
    await catalogue.activate(api.gardenId, upload.manifest.name, upload.manifest.version, { at: admin.at });
  }, 120_000);
  afterAll(() => api?.close());

  const exportOf = (gardenId: string, account = api.accounts.staff) =>
    api.call(account, 'GET', `/api/gardens/${gardenId}/reports/payments.csv?from=2025-01&to=2025-03`);

  it("downloads the garden's FEC, named, typed and encoded as the extension says", async () => {
    const response = await exportOf(api.gardenId);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=iso-8859-15');
    expect(response.headers['content-disposition']).toBe('attachment; filename="123456789FEC20250331.txt"');
    expect(response.headers['x-cocagne-extension']).toBe('ecritures-fec 1.1.0');
    expect(response.headers['x-cocagne-extension-failure']).toBeUndefined();

    const bytes = response.rawPayload;
    // ISO-8859-15: "é" is one byte (0xE9), "Œ" is 0xBC (Latin-9's own), no byte order mark.
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from([0xbc]))).toBe(true);
    expect(bytes.includes(Buffer.from('Règlement', 'latin1'))).toBe(true);
    expect(bytes.includes(Buffer.from('Règlement', 'utf8'))).toBe(false);
    const text = new TextDecoder('iso-8859-15').decode(bytes);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      [
        'JournalCode',
        'JournalLib',
        'EcritureNum',
        'EcritureDate',
        'CompteNum',
        'CompteLib',
        'CompAuxNum',
        'CompAuxLib',
        'PieceRef',
        'PieceDate',
        'EcritureLib',
        'Debit',
        'Credit',
        'EcritureLet',
        'DateLet',
        'ValidDate',
        'Montantdevise',
        'Idevise',
      ].join('\t'),
    );
    const label = `F-${String(invoice.number).padStart(6, '0')}`;
    expect(lines[1]?.split('\t').slice(0, 13)).toEqual([
      'CH',
      'Remises de chèques',
      'CH000001',
      '20250110',
      '511200',
      'Chèques à encaisser',
      '',
      '',
      label,
      '20250110',
      `Règlement ${label} chèque 0042`,
      '42,50',
      '0,00',
    ]);
    expect(lines[2]).toContain('\tZoé Œillet\t');
    expect(lines[2]).toContain('\t0,00\t42,50\t');
  });

  it("exports a large garden's year, 5,000 payments, through the extension and not the CSV", async () => {
    const member = await api.createMember({ firstName: 'Élise', lastName: 'Fréchet' });
    await manyPayments(api.gardenId, member.id, 2024, 5_000);
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/reports/payments.csv?from=2024-01&to=2024-12`,
    );
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    expect(response.headers['x-cocagne-extension']).toBe('ecritures-fec 1.1.0');
    expect(response.headers['x-cocagne-extension-failure']).toBeUndefined();
    expect(response.headers['content-type']).toBe('text/plain; charset=iso-8859-15');
    expect(response.headers['content-disposition']).toBe('attachment; filename="123456789FEC20241231.txt"');
    const lines = new TextDecoder('iso-8859-15').decode(response.rawPayload).split('\r\n');
    // The header, two entries a payment (treasury debited, the member's account credited), the last CRLF.
    expect(lines).toHaveLength(1 + 2 * 5_000 + 1);
    expect(lines.at(-1)).toBe('');
    expect(lines.filter((line) => line.includes('\tÉlise Fréchet\t'))).toHaveLength(5_000);
    // Each journal numbers its entries: a thousand payments each for cards, SEPA and transfers (the bank).
    expect(lines.filter((line) => line.startsWith('BQ\tBanque\tBQ003000\t'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('CA\tCaisse\tCA001000\t'))).toHaveLength(2);
  }, 120_000);

  it('gives the CSV when the payments are more than the hook takes, and tells staff why', async () => {
    // About 815 bytes of input a payment with its texts at their longest: 11,000 are 8.5 MiB.
    const member = await api.createMember({ firstName: 'A'.repeat(80), lastName: 'Œ'.repeat(80) });
    await manyPayments(api.gardenId, member.id, 2023, 11_000, true);
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/reports/payments.csv?from=2023-01&to=2023-12`,
    );
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="paiements-2023-01-2023-12.csv"',
    );
    expect(response.headers['x-cocagne-extension']).toBe('ecritures-fec 1.1.0');
    expect(response.headers['x-cocagne-extension-failure']).toBe('input-too-large');
    expect(decodeURIComponent(String(response.headers['x-cocagne-extension-notice']))).toMatch(
      /^Trop de paiements pour l’extension ecritures-fec \(8,\d Mo, 8,0 Mo au plus\) : voici le CSV habituel\. Choisissez moins de mois pour obtenir son fichier\.$/,
    );
    // Every payment is in the CSV all the same.
    expect(response.body.split('\r\n')).toHaveLength(1 + 11_000 + 1);
    // Counted against the version, its message on the admins' page.
    await api.app.extensions!.runner.flush();
    const figures = await api.app.extensions!.catalogue.records.callFigures(
      api.gardenId,
      'ecritures-fec',
      '1.1.0',
    );
    expect(figures.lastFailure).toMatchObject({
      kind: 'input-too-large',
      message: expect.stringMatching(
        /^The input is \d+ bytes; the accounting-export hook takes at most 8388608\.$/,
      ),
    });
  }, 180_000);

  it('gives a garden without an extension the CSV of today', async () => {
    const response = await exportOf(api.otherGardenId, api.accounts.otherStaff);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="paiements-2025-01-2025-03.csv"',
    );
    expect(response.headers['x-cocagne-extension']).toBeUndefined();
    expect(response.body).toMatch(
      /^\uFEFFDate;Facture;Adhérent;Moyen de paiement;Montant \(EUR\);Référence\r\n2025-01-10;F-\d{6};Noé Lévêque;Chèque;42,50;0042 · Crédit Agricole\r\n$/,
    );
  });

  it('falls back to the CSV when the extension fails, and says so', async () => {
    // A broken version: the hostile trap sample's code, which has no accounting_export (a trap).
    const broken = await sampleUpload('hostile-trap');
    const manifest = {
      ...broken.manifest,
      name: 'ecritures-fec',
      version: '1.1.1',
      hooks: ['accounting-export'],
    };
    const catalogue = api.app.extensions!.catalogue;
    await catalogue.upload(api.gardenId, { ...broken, manifest, testVectors: {} }, admin);
    await catalogue.activate(api.gardenId, 'ecritures-fec', '1.1.1', { at: admin.at });

    const response = await exportOf(api.gardenId);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="paiements-2025-01-2025-03.csv"',
    );
    expect(response.headers['x-cocagne-extension']).toBe('ecritures-fec 1.1.1');
    expect(response.headers['x-cocagne-extension-failure']).toBe('trap');
    expect(decodeURIComponent(String(response.headers['x-cocagne-extension-notice']))).toBe(
      'L’extension ecritures-fec n’a pas produit son fichier (trap) : voici le CSV habituel.',
    );
    expect(response.body).toContain(
      '\uFEFFDate;Facture;Adhérent;Moyen de paiement;Montant (EUR);Référence\r\n',
    );
    expect(response.body).toContain(';Zoé Œillet;Chèque;42,50;0042 · Crédit Agricole\r\n');

    // The garden's extensions cannot even be read: the accountant still gets the CSV.
    const unreadable = vi
      .spyOn(api.app.extensions!.runner, 'runHook')
      .mockRejectedValueOnce(new Error('S3 unreachable'));
    const csv = await exportOf(api.gardenId);
    unreadable.mockRestore();
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['x-cocagne-extension-failure']).toBe('unavailable');

    // The failure is counted against that version, for the rollout's probation and the admins' page.
    await api.app.extensions!.runner.flush();
    const figures = await catalogue.records.callFigures(api.gardenId, 'ecritures-fec', '1.1.1');
    expect(figures).toMatchObject({ calls: 1, failures: 1 });

    // Staff reading the app in English get the notice in English, as every answer of the API.
    const english = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/reports/payments.csv?from=2025-01&to=2025-03`,
      undefined,
      { 'accept-language': 'en' },
    );
    expect(english.headers['x-cocagne-extension-failure']).toBe('trap');
    expect(decodeURIComponent(String(english.headers['x-cocagne-extension-notice']))).toBe(
      'The ecritures-fec extension did not produce its file (trap): here is the usual CSV.',
    );
  });

  it('declares the three headers in the description, with patterns the answers match', async () => {
    const description = (await api.call(undefined, 'GET', '/docs/json')).json<{
      paths: Record<string, { get: { responses: Record<string, { headers?: Record<string, Header> }> } }>;
    }>();
    type Header = { description: string; schema: { type: string; pattern: string } };
    const headers =
      description.paths['/api/gardens/{gardenId}/reports/payments.csv']?.get.responses['200']?.headers;
    expect(Object.keys(headers ?? {}).sort()).toEqual([
      'x-cocagne-extension',
      'x-cocagne-extension-failure',
      'x-cocagne-extension-notice',
    ]);
    const matches = (name: string, value: string) => new RegExp(headers![name]!.schema.pattern).test(value);
    expect(headers!['x-cocagne-extension-notice']!.description).toMatch(/percent-encoded/);
    expect(matches('x-cocagne-extension', 'ecritures-fec 1.1.0')).toBe(true);
    expect(matches('x-cocagne-extension', 'ecritures-fec 1.2.0-beta.1')).toBe(true);
    for (const kind of ['input-too-large', 'trap', 'unavailable']) {
      expect(matches('x-cocagne-extension-failure', kind)).toBe(true);
    }
    const tooLarge = exportFallbackNotice('ecritures-fec', { kind: 'input-too-large' }, 9_000_000);
    const trapped = exportFallbackNotice('ecritures-fec', { kind: 'trap' }, 1_000);
    for (const notice of [tooLarge.fr, tooLarge.en, trapped.fr, trapped.en]) {
      expect(matches('x-cocagne-extension-notice', encodeURIComponent(notice))).toBe(true);
    }
    expect(matches('x-cocagne-extension-notice', 'Trop de paiements')).toBe(false);
  });
});
