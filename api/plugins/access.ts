import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoices.ts';
import type { Member } from '../../domain/member.ts';
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

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether the caller works for the garden (staff or admin), as opposed to a member or driver. */
    isStaffCaller(): boolean;
    /** Staff reach every member of their garden; a member, their own household only. */
    mayReachMember(memberId: string): boolean;
    /**
     * Another household's record answers as one that does not exist: decided from the token
     * before anything is read, so neither the answer nor its timing tells the two apart.
     */
    requireMemberAccess(memberId: string): void;
    /**
     * The household's record, for a route about one member: refused as above when it is
     * another's, read from the store, and missing (404) when it does not exist.
     */
    reachableMember(gardenId: string, memberId: string): Promise<Member>;
    /**
     * Staff read every invoice of their garden; a member, only their own. Another household's
     * invoice answers as a missing one, after the same read.
     */
    requireInvoiceAccess(invoice: Pick<Invoice, 'memberId' | 'number'>): void;
  }
}

export const accessPlugin = fp(
  async (app) => {
    app.decorateRequest('isStaffCaller', function (this: FastifyRequest) {
      return callerOf(this).roles.some((role) => staffRoles.includes(role));
    });
    app.decorateRequest('mayReachMember', function (this: FastifyRequest, memberId: string) {
      return this.isStaffCaller() || callerOf(this).memberId === memberId;
    });
    app.decorateRequest('requireMemberAccess', function (this: FastifyRequest, memberId: string) {
      if (!this.mayReachMember(memberId)) throw memberNotFound();
    });
    app.decorateRequest(
      'reachableMember',
      async function (this: FastifyRequest, gardenId: string, memberId: string) {
        this.requireMemberAccess(memberId);
        const member = await app.store.members.get(gardenId, memberId);
        if (!member) throw memberNotFound();
        return member;
      },
    );
    app.decorateRequest(
      'requireInvoiceAccess',
      function (this: FastifyRequest, invoice: Pick<Invoice, 'memberId' | 'number'>) {
        if (!this.mayReachMember(invoice.memberId)) throw invoiceNotFound(invoice.number);
      },
    );
  },
  { name: 'access', dependencies: ['auth', 'store'] },
);
