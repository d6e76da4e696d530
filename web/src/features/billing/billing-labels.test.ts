import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../i18n/index.ts';
import { nextStepLabel } from './billing-labels.ts';

describe('next step of an invoice paid by hand', () => {
  afterEach(() => setLocale('fr'));

  it('names the due day as the last day included, in French and English', () => {
    setLocale('fr');
    const fr = nextStepLabel({ step: 'pay-manually', on: '2026-12-05' });
    expect(fr).toMatch(/^À régler par chèque, espèces ou virement au plus tard le 5 déc/);
    expect(fr).not.toContain('avant');
    setLocale('en');
    const en = nextStepLabel({ step: 'pay-manually', on: '2026-12-05' });
    expect(en).toMatch(/^To pay by cheque, cash or transfer by /);
    expect(en).toMatch(/Dec/);
    expect(en).not.toContain('before');
  });
});
