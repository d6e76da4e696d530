import type { FastifyRequest } from 'fastify';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoices.ts';
import { staffRoles } from '../../domain/roles.ts';
import { callerOf } from './auth.ts';

// Who may reach which household's records, once for every route: staff reach every member of
// their garden (the garden itself is checked by the guard before any handler runs); a member
// reaches their own household only, and anything else answers as if it did not exist.

export const memberNotFound = () => notFound({ fr: 'Adhérent', en: 'Member' });

export const invoiceNotFound = (number: number) =>
  new CocagneError('not_found', {
    fr: `Facture ${invoiceLabel(number)} introuvable.`,
    en: `Invoice ${invoiceLabel(number)} not found.`,
  });

/** Whether the caller works for the garden (staff or admin), as opposed to a member or driver. */
export function isStaffCaller(request: FastifyRequest): boolean {
  return callerOf(request).roles.some((role) => staffRoles.includes(role));
}

/** Staff reach every member of their garden; a member, their own household only. */
export function mayReachMember(request: FastifyRequest, memberId: string): boolean {
  return isStaffCaller(request) || callerOf(request).memberId === memberId;
}

/**
 * Another household's record answers as one that does not exist: decided from the token
 * before anything is read, so neither the answer nor its timing tells the two apart.
 */
export function requireMemberAccess(request: FastifyRequest, memberId: string): void {
  if (!mayReachMember(request, memberId)) throw memberNotFound();
}

/**
 * Staff read every invoice of their garden; a member, only their own. Another household's
 * invoice answers as a missing one, after the same read.
 */
export function requireInvoiceAccess(
  request: FastifyRequest,
  invoice: Pick<Invoice, 'memberId' | 'number'>,
): void {
  if (!mayReachMember(request, invoice.memberId)) throw invoiceNotFound(invoice.number);
}
