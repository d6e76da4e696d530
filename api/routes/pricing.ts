import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { MemberBilling, pricingRefusal } from '../../domain/billing-views.ts';
import { conflict, CocagneError } from '../../domain/errors.ts';
import { Pricing, PricingInput } from '../../domain/pricing.ts';
import { gardenAdminRoles, staffRoles } from '../../domain/roles.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import { TierId } from '../../domain/ids.ts';
import { SolidarityProposal } from '../../domain/subscription.ts';
import { proposeSolidarityPrice } from './solidarity-proposal.ts';
import { errorAnswers, GardenParams, MemberParams, Version } from '../schemas.ts';
import { memberNotFound } from '../plugins/access.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';

/** A garden's prices, solidarity tiers, membership fee, billing model and legal details. */
export const pricingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, views } = app;
  const { billing } = app.payments;

  app.get(
    '/pricing',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary: "The garden's prices, billing model and legal details (staff); version 0 for the defaults.",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Pricing, ...errorAnswers },
      },
    },
    async (request) => store.settings.pricing(request.params.gardenId),
  );

  app.put(
    '/pricing',
    {
      // Prices, the billing model and the legal details printed on invoices are the garden's own
      // terms: its administrators set them, as they set its rules; staff read them.
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['payments'],
        summary:
          "Saves the garden's pricing (garden administrators; staff read it). `version` must be the one read: a " +
          'concurrent change gives 409. Invoices already issued keep their prices and legal details.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object(
          {
            ...PricingInput.properties,
            version: Version(0, 'The version read; 0 for the defaults.'),
          },
          { additionalProperties: false },
        ),
        response: { 200: Pricing, ...errorAnswers },
      },
    },
    async (request) => {
      const { version, ...input } = request.body;
      const trimmed = {
        ...input,
        solidarityTiers: input.solidarityTiers.map((tier) => ({ ...tier, label: tier.label.trim() })),
        legal: {
          name: input.legal.name.trim(),
          address: input.legal.address.trim(),
          siret: input.legal.siret,
          vatNote: input.legal.vatNote.trim(),
        },
      };
      const blank = (
        [
          ['name', trimmed.legal.name],
          ['address', trimmed.legal.address],
        ] as const
      ).find(([, value]) => value === '');
      if (blank) {
        throw new CocagneError(
          'invalid_input',
          blank[0] === 'name'
            ? { fr: '« Nom » est obligatoire.', en: '« Name » is required.' }
            : { fr: '« Adresse » est obligatoire.', en: '« Address » is required.' },
          { field: blank[0] },
        );
      }
      if (trimmed.solidarityTiers.some((tier) => tier.label === '')) {
        throw new CocagneError(
          'invalid_input',
          { fr: '« Libellé » est obligatoire.', en: '« Label » is required.' },
          { field: 'label' },
        );
      }
      const refusal = pricingRefusal(trimmed);
      if (refusal) throw new CocagneError('refused', refusal.message, { field: refusal.field });
      const { gardenId } = request.params;
      // A tier households hold stays until staff take it back from each of them.
      const current = await store.settings.pricing(gardenId);
      for (const tier of current.solidarityTiers) {
        if (trimmed.solidarityTiers.some((kept) => kept.id === tier.id)) continue;
        const holders = await store.billingProfiles.holdersOfTier(gardenId, tier.id);
        if (holders.length > 0) {
          throw new CocagneError('refused', {
            fr: `Le tarif « ${tier.label} » est attribué à ${holders.length === 1 ? 'un foyer' : `${holders.length} foyers`} : retirez-le d'abord de leur fiche, puis supprimez-le.`,
            en: `The "${tier.label}" tier is held by ${holders.length === 1 ? 'one household' : `${holders.length} households`}: take it back from them first, then delete it.`,
          });
        }
      }
      const saved = await store.settings.savePricing(
        gardenId,
        trimmed,
        version,
        staffChangeLog(app, request, gardenId, {
          action: 'pricing.updated',
          subject: { kind: 'price', id: 'pricing' },
          before: current,
        }),
      );
      // The monthly billing run follows the garden's pricing: from now on it runs on the 1st.
      const garden = await store.gardens.get(gardenId);
      await billing.ensureSchedule(gardenId, garden?.timeZone);
      await app.commands.gardenSettings.copyConfiguration(gardenId, `pricing-v${saved.version}`);
      return saved;
    },
  );

  app.get(
    '/members/:memberId/pricing-tier/proposal',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          "The tier proposed for a household (staff): the garden's solidarity-price extension, or the " +
          'built-in behaviour, from its latest subscription (basket, quotient familial and answers given ' +
          'when it applied), its size and its current tier. A proposal: staff give the tier. Null without ' +
          'a subscription to base it on.',
        security: [{ bearer: [] }],
        params: MemberParams,
        response: {
          200: Type.Object({
            proposal: Type.Union([SolidarityProposal, Type.Null()]),
            subscriptionId: Type.Optional(Type.String()),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      const [member, pricing, profile, subscriptions] = await Promise.all([
        store.members.get(gardenId, memberId),
        store.settings.pricing(gardenId),
        store.billingProfiles.get(gardenId, memberId),
        store.subscriptions.listForMember(gardenId, memberId),
      ]);
      if (!member) throw memberNotFound();
      const latest = subscriptions
        .filter((subscription) => subscription.status !== 'rejected')
        .sort((a, b) => b.startDate.localeCompare(a.startDate))[0];
      if (!latest) return { proposal: null };
      const proposal = await proposeSolidarityPrice(
        app,
        gardenId,
        {
          basketSize: latest.basketSize,
          frequency: latest.frequency,
          householdSize: member.householdSize,
          quotientFamilial: latest.solidarityProposal?.quotientFamilial,
          answers: latest.signUpAnswers,
          currentTierId: profile.tier?.id,
        },
        pricing,
      );
      return { proposal, subscriptionId: latest.id };
    },
  );

  app.put(
    '/members/:memberId/pricing-tier',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['payments'],
        summary:
          'Gives a household a solidarity tier, with the reason (staff), or takes it back (`tierId: null`). ' +
          "`version` is the billing profile's, as read (0 before any change). Answers the household's billing.",
        security: [{ bearer: [] }],
        params: MemberParams,
        body: Type.Object(
          {
            tierId: Type.Union([TierId, Type.Null()]),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
            version: Version(0, "The billing profile's version read; 0 before any change."),
          },
          { additionalProperties: false },
        ),
        response: { 200: MemberBilling, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      const { tierId, version } = request.body;
      const reason = (request.body.reason ?? '').trim();
      if (tierId !== null && reason === '') {
        throw new CocagneError(
          'refused',
          {
            fr: '« Motif » est obligatoire : dites pourquoi ce tarif est accordé.',
            en: '« Reason » is required: say why this tier is given.',
          },
          { field: 'reason' },
        );
      }
      const [member, pricing, profile] = await Promise.all([
        store.members.get(gardenId, memberId),
        store.settings.pricing(gardenId),
        store.billingProfiles.get(gardenId, memberId),
      ]);
      if (!member) throw memberNotFound();
      const tier = tierId === null ? undefined : pricing.solidarityTiers.find((entry) => entry.id === tierId);
      if (tierId !== null && !tier) {
        const known = pricing.solidarityTiers.map((entry) => `« ${entry.label} »`).join(', ');
        throw new CocagneError(
          'refused',
          {
            fr: `Le tarif solidaire « ${tierId} » n'existe pas dans les tarifs du jardin${known ? ` (tarifs : ${known})` : ''}.`,
            en: `The solidarity tier "${tierId}" is not one of the garden's${known ? ` (tiers: ${known})` : ''}.`,
          },
          { field: 'tierId' },
        );
      }
      if (profile.version !== version) throw conflict();
      await store.billingProfiles.save(
        profile,
        {
          tier: tier
            ? {
                id: tier.id,
                reason,
                assigned: { by: actorOf(callerOf(request)), at: app.now().toISOString() },
              }
            : undefined,
        },
        staffChangeLog(app, request, gardenId, {
          action: tier ? 'member.tier-given' : 'member.tier-removed',
          subject: { kind: 'member', id: memberId },
          before: { tier: profile.tier ?? null },
          ...(reason ? { reason } : {}),
        }),
      );
      return views.memberBilling(request.log, gardenId, memberId);
    },
  );
};
