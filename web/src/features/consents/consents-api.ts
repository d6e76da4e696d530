import type {
  ConsentEntry,
  ConsentState,
  OptionalPurpose,
  TermsDocument,
  TermsToAccept,
} from '../../../../domain/consents.ts';
import { request } from '../../api-client/request.ts';

/** A member's consents as the API answers them (`api/routes/consents.ts`). */
export interface ConsentsView {
  state: ConsentState;
  /** The latest published version of each document (`null`: not published yet). */
  current: Record<TermsDocument, number | null>;
  /** Documents with a substantial new version the member has not accepted yet. */
  mustAccept: TermsToAccept[];
  entries: ConsentEntry[];
}

const consentsPath = (gardenId: string, memberId: string) =>
  `/gardens/${encodeURIComponent(gardenId)}/members/${encodeURIComponent(memberId)}/consents`;

/** Read without a toast: the guard lets the member through when it cannot tell. */
export const readConsents = (gardenId: string, memberId: string) =>
  request<ConsentsView>('GET', consentsPath(gardenId, memberId), { toast: false });

/** Accepts the versions shown; 409 when a newer one was published meanwhile. */
export const acceptTerms = (
  gardenId: string,
  memberId: string,
  shown: Record<TermsDocument, number | null>,
) =>
  request<ConsentsView>('POST', `${consentsPath(gardenId, memberId)}/terms`, { body: shown, toast: false });

export const setOptionalConsent = (
  gardenId: string,
  memberId: string,
  purpose: OptionalPurpose,
  given: boolean,
) =>
  request<ConsentsView>('PUT', `${consentsPath(gardenId, memberId)}/${purpose}`, {
    body: { given },
    toast: false,
  });
