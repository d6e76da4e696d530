import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessingRegister } from '../domain/processing-register.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { pdfText } from '../tests/support/pdf-text.ts';

const url = '/api/network/processing-register';

describe('the register of processing activities (network admin)', () => {
  let api: TestApi;
  let networkAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('register');
    networkAdmin = await createAccount({ role: 'network-admin' });
  });
  afterAll(async () => {
    await deleteAccounts([networkAdmin].filter(Boolean));
    await api?.close();
  });

  it('answers the register as JSON, in French or English', async () => {
    const fr = await api.call(networkAdmin, 'GET', url);
    expect(fr.statusCode, fr.body).toBe(200);
    const register = fr.json<ProcessingRegister>();
    expect(register.title).toContain('Registre des activités de traitement');
    expect(register.processors.map((processor) => processor.id)).toEqual([
      'aws',
      'stripe',
      'temporal',
      'circuit',
      'keycloak',
    ]);
    const members = register.activities.find((activity) => activity.id === 'members-and-subscriptions');
    expect(members?.dataCategories.map((category) => category.id)).toContain('address');
    expect(members?.retention).toEqual([
      'Adhérents inactifs : 3 ans après la dernière activité, puis anonymisation',
    ]);

    const en = await api.call(networkAdmin, 'GET', url, undefined, { 'accept-language': 'en' });
    expect(en.json<ProcessingRegister>().title).toBe('Record of processing activities (GDPR article 30)');
  });

  it('prints it as a PDF that names the processors', async () => {
    const pdf = await api.call(networkAdmin, 'GET', `${url}?format=pdf`);
    expect(pdf.statusCode, pdf.body.slice(0, 200)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain('registre-des-traitements.pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf.rawPayload);
    for (const name of ['Amazon Web Services', 'Stripe', 'Temporal Cloud', 'Circuit', 'Keycloak']) {
      expect(text).toContain(name);
    }
    expect(text).toContain('Registre des activités de traitement');
  });

  it('is for network administrators only', async () => {
    expect((await api.call(api.accounts.staff, 'GET', url)).statusCode).toBe(403);
    expect((await api.call(api.accounts.member, 'GET', url)).statusCode).toBe(403);
    expect((await api.call(api.accounts.staff, 'GET', `${url}?format=pdf`)).statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', url)).statusCode).toBe(401);
    expect((await api.call(networkAdmin, 'GET', `${url}?format=docx`)).statusCode).toBe(400);
  });
});
