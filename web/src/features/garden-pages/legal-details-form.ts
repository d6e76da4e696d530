import { normalizeLegalDetails } from '../../../../domain/garden-pages.ts';
import type { Locale } from '../../../../domain/locale.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import { translate } from '../../i18n/index.ts';
import type { LegalDetailsInput, PublisherLegalDetails } from './garden-pages-api.ts';

/** The legal details form as typed: one text a field, the host's three flattened. */
export interface LegalDetailsFormModel {
  legalName: string;
  legalForm: string;
  siret: string;
  address: string;
  publicationDirector: string;
  hostName: string;
  hostAddress: string;
  hostContact: string;
}

/** The fields the form shows (a refusal of the host's fields by the API goes to the banner). */
export function legalDetailsFields(): string[] {
  return [
    'legalName',
    'legalForm',
    'siret',
    'address',
    'publicationDirector',
    'hostName',
    'hostAddress',
    'hostContact',
  ];
}

export function legalDetailsFormOf(details: PublisherLegalDetails): LegalDetailsFormModel {
  return {
    legalName: details.legalName,
    legalForm: details.legalForm,
    // Read as the INSEE notice prints it: 362 521 879 00034.
    siret: /^[0-9]{14}$/.test(details.siret)
      ? `${details.siret.slice(0, 3)} ${details.siret.slice(3, 6)} ${details.siret.slice(6, 9)} ${details.siret.slice(9)}`
      : details.siret,
    address: details.address,
    publicationDirector: details.publicationDirector,
    hostName: details.host.name,
    hostAddress: details.host.address,
    hostContact: details.host.contact,
  };
}

export type LegalDetailsCheck = { ok: true; input: LegalDetailsInput } | { ok: false; issues: InputIssue[] };

/** What the API would refuse, said first: the name, the SIRET's 14 digits and its check digit. */
export function checkLegalDetailsForm(form: LegalDetailsFormModel, locale: Locale): LegalDetailsCheck {
  const input: LegalDetailsInput = {
    legalName: form.legalName.trim(),
    legalForm: form.legalForm.trim(),
    siret: form.siret.trim(),
    address: form.address.trim(),
    publicationDirector: form.publicationDirector.trim(),
    host: { name: form.hostName.trim(), address: form.hostAddress.trim(), contact: form.hostContact.trim() },
  };
  const issues: InputIssue[] = [];
  if (!input.legalName)
    issues.push({ field: 'legalName', message: translate('gardenPages.legalDetails.nameRequired') });
  if (!/^ *(?:[0-9] *){14}$/.test(input.siret)) {
    issues.push({ field: 'siret', message: translate('gardenPages.legalDetails.siretShape') });
  } else {
    const outcome = normalizeLegalDetails(input);
    if (!outcome.ok) issues.push({ field: outcome.field, message: outcome.message[locale] });
  }
  return issues.length === 0 ? { ok: true, input } : { ok: false, issues };
}
