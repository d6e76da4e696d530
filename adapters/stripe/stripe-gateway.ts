import Stripe from 'stripe';
import { CocagneError, isCocagneError } from '../../domain/errors.ts';
import type { Localized } from '../../domain/locale.ts';
import type { PaymentMethodKind } from '../../domain/payment-failures.ts';
import type { BillingProfile } from '../../domain/pricing.ts';
import type { BillingProfileStore } from '../store/billing-profile-store.ts';

export type { PaymentMethodKind } from '../../domain/payment-failures.ts';

/** How to reach Stripe: the secret key, and stripe-mock's address locally. */
export interface StripeConfig {
  secretKey: string;
  /** E.g. stripe-mock's `http://127.0.0.1:12111`; unset: Stripe's own API. */
  apiBase?: string | undefined;
  /** Given to the browser, which collects the card or IBAN with Stripe's own fields. */
  publishableKey?: string | undefined;
  /** Checks the signature of Stripe's webhooks (`whsec_…`). */
  webhookSecret?: string | undefined;
}

/** A saved card or SEPA mandate, as the billing profile keeps it. */
export type SavedPaymentMethod = NonNullable<BillingProfile['paymentMethod']>;

export interface ChargeInput {
  customerId: string;
  paymentMethodId: string;
  /** Euro cents. */
  amount: number;
  /** Shown on the member's statement and in Stripe's dashboard, e.g. « Facture n° 12 ». */
  description: string;
  /**
   * Sent to Stripe as the request's Idempotency-Key: a retried activity with the same key
   * never charges twice (Stripe answers with the first result). Derive it from the workflow
   * and the attempt, e.g. `<workflowId>/attempt-<n>`.
   */
  idempotencyKey: string;
  /** Comes back in webhooks: `gardenId` and `invoiceNumber` route them to the workflow. */
  metadata: {
    gardenId: string;
    invoiceNumber: number | string;
    workflowId: string;
    attempt: number | string;
  };
  /**
   * When the attempt's amount and key were fixed (ISO instant): a PaymentIntent made for it
   * was created after that, and `charge` looks there before creating one.
   */
  since?: string | undefined;
}

/** Which attempt's PaymentIntent to look for (its metadata), and since when. */
export interface ChargeLookup {
  customerId: string;
  workflowId: string;
  attempt: number | string;
  since?: string | undefined;
}

/**
 * What a charge came to:
 * - `succeeded`: the money is collected;
 * - `processing`: Stripe is collecting (SEPA takes days); a `payment_intent.succeeded` or
 *   `payment_intent.payment_failed` webhook will tell;
 * - `pending`: the PaymentIntent stopped in a state that is neither a success nor a failure
 *   (`requires_confirmation`, `requires_capture`): wait for a webhook as for `processing`;
 * - `failed`: declined, with the code (decline code first) and Stripe's message. A payment that
 *   needs the member (`requires_payment_method` after a decline, `requires_action` for 3-D
 *   Secure, which cannot happen off-session) is `failed`: only the member can fix it
 *   (code `authentication_required` for the latter); `declineReason` in domain/ explains it.
 */
export type ChargeResult =
  | {
      paymentIntentId: string;
      status: 'succeeded' | 'processing' | 'pending';
      /** The PaymentIntent's amount, when it was found from an earlier try (see `findCharge`). */
      amount?: number;
    }
  | {
      /** Absent when Stripe refused before creating a PaymentIntent. */
      paymentIntentId?: string;
      status: 'failed';
      failure: { code: string; message: string };
      amount?: number;
    };

/**
 * Stripe could not be asked (network, outage, rate limit: `retryable`), or refused the request
 * itself (our key, our parameters, an idempotency key reused with other parameters: not
 * retryable, someone must look). A declined payment is not an error: see `ChargeResult`.
 */
export class PaymentGatewayError extends CocagneError {
  readonly retryable: boolean;
  readonly stripeCode: string | undefined;

  constructor(retryable: boolean, cause: unknown) {
    const stripeError = cause instanceof Stripe.errors.StripeError ? cause : undefined;
    super(
      retryable ? 'unavailable' : 'internal',
      retryable
        ? {
            fr: 'Le service de paiement ne répond pas pour le moment. Réessayez dans quelques minutes.',
            en: 'The payment service is not answering right now. Try again in a few minutes.',
          }
        : {
            fr: 'Le service de paiement a refusé la demande. Prévenez l’équipe du jardin.',
            en: 'The payment service refused the request. Tell the garden team.',
          },
      { cause },
    );
    this.name = 'PaymentGatewayError';
    this.retryable = retryable;
    this.stripeCode = stripeError?.code;
    // Keep Stripe's own words for logs and Temporal's failure message.
    if (stripeError) this.message = `${stripeError.type}: ${stripeError.message}`;
  }
}

const unavailableInThisSetup = () =>
  new CocagneError('unavailable', {
    fr: "Le paiement par carte ou prélèvement n'est pas configuré sur ce serveur. Vous pouvez payer par chèque, espèces ou virement auprès du jardin.",
    en: 'Card and direct debit payments are not configured on this server. You can pay by cheque, cash or bank transfer at the garden.',
  });

const brandNames: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  cartes_bancaires: 'CB',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** « Visa •••• 4242 », « IBAN FR •••• 3000 »; neutral words when Stripe gives no details. */
export function paymentMethodLabel(method: Stripe.PaymentMethod): { kind: PaymentMethodKind; label: string } {
  if (method.type === 'sepa_debit') {
    const { country, last4 } = method.sepa_debit ?? {};
    return {
      kind: 'sepa',
      label: last4 ? `IBAN ${country ? `${country} ` : ''}•••• ${last4}` : 'Prélèvement SEPA',
    };
  }
  if (method.type === 'card') {
    const brand = method.card?.display_brand ?? method.card?.brand ?? '';
    const name =
      brandNames[brand] ??
      (brand && brand !== 'unknown' ? brand.charAt(0).toUpperCase() + brand.slice(1) : 'Carte');
    return { kind: 'card', label: method.card?.last4 ? `${name} •••• ${method.card.last4}` : name };
  }
  throw new CocagneError('refused', {
    fr: "Ce moyen de paiement n'est pas accepté : enregistrez une carte bancaire ou un compte pour le prélèvement SEPA.",
    en: 'This means of payment is not accepted: save a bank card or an account for SEPA Direct Debit.',
  });
}

function apiAddress(apiBase: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
  };
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : value?.id;

/** Clocks differ: an attempt's PaymentIntent is looked for from an hour before it was fixed. */
const clockMarginSeconds = 3_600;
/** An attempt fixed before `since` existed is looked for over the last two months. */
const lookupWithoutSinceMs = 62 * 24 * 3_600_000;
/** Of several PaymentIntents of one attempt (should not happen), the one that says most. */
const statusWeight: Readonly<Record<string, number>> = { succeeded: 3, processing: 2 };

/** Stripe's errors as ours: transient ones may be retried, the rest need a person. */
function gatewayError(error: unknown): Error {
  if (isCocagneError(error)) return error;
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    return new PaymentGatewayError(true, error);
  }
  if (error instanceof Stripe.errors.StripeError) return new PaymentGatewayError(false, error);
  return error instanceof Error ? error : new Error(String(error));
}

async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw gatewayError(error);
  }
}

function failureOf(error: Stripe.PaymentIntent['last_payment_error'] | undefined, fallback: string) {
  return {
    code: error?.decline_code || error?.code || fallback,
    message: error?.message || fallback,
  };
}

/** A PaymentIntent's state as a charge outcome (see `ChargeResult`). */
export function chargeOutcome(intent: Stripe.PaymentIntent): ChargeResult {
  const base = { paymentIntentId: intent.id };
  switch (intent.status) {
    case 'succeeded':
      return { ...base, status: 'succeeded' };
    case 'processing':
      return { ...base, status: 'processing' };
    case 'requires_payment_method':
      return { ...base, status: 'failed', failure: failureOf(intent.last_payment_error, 'payment_failed') };
    case 'requires_action':
      // Off-session, nobody is there to pass 3-D Secure: the member must act.
      return {
        ...base,
        status: 'failed',
        failure: {
          code: 'authentication_required',
          message: 'The bank requires the member to authenticate.',
        },
      };
    case 'canceled':
      return { ...base, status: 'failed', failure: failureOf(intent.last_payment_error, 'canceled') };
    default:
      return { ...base, status: 'pending' };
  }
}

// A well-formed SetupIntent id that is not this member's is refused (422), not malformed (400).
const someoneElses = () =>
  new CocagneError(
    'refused',
    {
      fr: "Ce moyen de paiement a été enregistré pour quelqu'un d'autre : recommencez depuis votre espace adhérent.",
      en: 'This means of payment was set up for someone else: start again from your member area.',
    },
    { field: 'setupIntentId' },
  );

const setupLabel = { fr: 'Enregistrement du moyen de paiement', en: 'Payment method setup' };

/**
 * The payment port over Stripe: customers, saving a card or a SEPA mandate (SetupIntent,
 * confirmed in the browser with Stripe's fields), off-session charges with an idempotency key,
 * and webhook signatures. Saved means of payment go to the member's billing profile.
 */
export function createStripeGateway(
  config: StripeConfig,
  deps: { billingProfiles: Pick<BillingProfileStore, 'get' | 'save'> },
) {
  const stripe = new Stripe(config.secretKey, {
    ...apiAddress(config.apiBase),
    // Retries reuse the idempotency key, so a retried request never acts twice.
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Cocagne' },
  });
  const { billingProfiles } = deps;

  async function retrievePaymentMethod(id: string): Promise<Stripe.PaymentMethod | undefined> {
    try {
      return await stripe.paymentMethods.retrieve(id);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
        return undefined;
      throw gatewayError(error);
    }
  }

  /**
   * Saves a means of payment in the member's profile, unless the profile already holds one
   * created later at Stripe (a days-late webhook never replaces a newer card). Retries on a
   * concurrent change of the profile.
   */
  async function remember(
    gardenId: string,
    memberId: string,
    customerId: string | undefined,
    method: Stripe.PaymentMethod,
  ): Promise<{ saved: boolean; method: SavedPaymentMethod }> {
    const saved: SavedPaymentMethod = { id: method.id, ...paymentMethodLabel(method) };
    for (let attempt = 0; ; attempt++) {
      const profile = await billingProfiles.get(gardenId, memberId);
      if (customerId !== undefined && profile.stripeCustomerId !== customerId) {
        throw someoneElses();
      }
      const current = profile.paymentMethod;
      if (current?.id === method.id && current.label === saved.label) return { saved: true, method: current };
      if (current && current.id !== method.id) {
        const existing = await retrievePaymentMethod(current.id);
        if (existing && existing.created > method.created) return { saved: false, method: current };
      }
      try {
        await billingProfiles.save(profile, { paymentMethod: saved });
        return { saved: true, method: saved };
      } catch (error) {
        if (!(isCocagneError(error) && error.code === 'conflict') || attempt >= 2) throw error;
      }
    }
  }

  /**
   * The PaymentIntent an attempt of ours made (metadata `workflowId` and `attempt`), with
   * its outcome and amount; undefined when the attempt never reached Stripe. Read from the
   * customer's list, which is up to date at once (search may lag a minute or more, and must
   * not be used right after a write).
   */
  async function findCharge(lookup: ChargeLookup): Promise<(ChargeResult & { amount: number }) | undefined> {
    const sinceMs = lookup.since ? Date.parse(lookup.since) : Date.now() - lookupWithoutSinceMs;
    const createdSince = Math.floor(sinceMs / 1000) - clockMarginSeconds;
    const attempt = String(lookup.attempt);
    return stripeCall(async () => {
      let found: Stripe.PaymentIntent | undefined;
      for await (const intent of stripe.paymentIntents.list({
        customer: lookup.customerId,
        created: { gte: createdSince },
        limit: 100,
      })) {
        if (intent.metadata?.workflowId !== lookup.workflowId || intent.metadata?.attempt !== attempt)
          continue;
        const weight = (candidate: Stripe.PaymentIntent) => statusWeight[candidate.status] ?? 0;
        if (!found || weight(intent) > weight(found)) found = intent;
      }
      return found && { ...chargeOutcome(found), amount: found.amount };
    });
  }

  return {
    /** For the browser's Stripe.js; undefined when not configured. */
    publishableKey: config.publishableKey,

    /**
     * Deletes a member's Stripe customer (their name, email and saved payment methods), on their
     * erasure. The payments already made stay in Stripe's records, as the law wants them kept.
     * A customer already deleted counts as deleted.
     */
    async deleteCustomer(customerId: string): Promise<void> {
      try {
        await stripe.customers.del(customerId);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeError && error.code === 'resource_missing') return;
        throw gatewayError(error);
      }
    },

    /**
     * The member's Stripe customer, created once: its id is kept in the billing profile, and
     * the creation carries an idempotency key per garden and member, so two concurrent first
     * calls make one customer.
     */
    async ensureCustomer(input: {
      gardenId: string;
      memberId: string;
      email?: string | undefined;
      name: string;
    }): Promise<string> {
      const { gardenId, memberId } = input;
      let profile = await billingProfiles.get(gardenId, memberId);
      if (profile.stripeCustomerId) return profile.stripeCustomerId;
      const customer = await stripeCall(() =>
        stripe.customers.create(
          {
            name: input.name,
            ...(input.email ? { email: input.email } : {}),
            preferred_locales: ['fr'],
            metadata: { gardenId, memberId },
          },
          { idempotencyKey: `cocagne-customer/${gardenId}/${memberId}` },
        ),
      );
      for (let attempt = 0; ; attempt++) {
        try {
          await billingProfiles.save(profile, { stripeCustomerId: customer.id });
          return customer.id;
        } catch (error) {
          if (!(isCocagneError(error) && error.code === 'conflict') || attempt >= 2) throw error;
          profile = await billingProfiles.get(gardenId, memberId);
          if (profile.stripeCustomerId) return profile.stripeCustomerId;
        }
      }
    },

    /**
     * Starts saving a card or a SEPA mandate for off-session charges. The browser confirms the
     * SetupIntent with its client secret; `completeSetup` (or the `setup_intent.succeeded`
     * webhook, through `setupSucceeded`) then saves the result.
     */
    async startSetup(input: {
      customerId: string;
      kind: PaymentMethodKind;
      gardenId: string;
      memberId: string;
    }): Promise<{ id: string; clientSecret: string }> {
      const intent = await stripeCall(() =>
        stripe.setupIntents.create({
          customer: input.customerId,
          usage: 'off_session',
          // Named payment_method_types before API version 2026-10-28.
          allowed_payment_method_types: [input.kind === 'card' ? 'card' : 'sepa_debit'],
          metadata: { gardenId: input.gardenId, memberId: input.memberId },
        }),
      );
      if (!intent.client_secret)
        throw new PaymentGatewayError(false, new Error('SetupIntent without client secret'));
      return { id: intent.id, clientSecret: intent.client_secret };
    },

    /**
     * After the browser confirmed the SetupIntent: checks it is this member's and succeeded,
     * then saves its card or mandate in the billing profile. Refused (422) while the member
     * has not finished confirming it with their bank.
     */
    async completeSetup(input: {
      gardenId: string;
      memberId: string;
      setupIntentId: string;
    }): Promise<SavedPaymentMethod> {
      const profile = await billingProfiles.get(input.gardenId, input.memberId);
      let intent: Stripe.SetupIntent;
      try {
        intent = await stripe.setupIntents.retrieve(input.setupIntentId, { expand: ['payment_method'] });
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
          throw new CocagneError(
            'not_found',
            {
              fr: `${setupLabel.fr} introuvable chez Stripe : recommencez depuis votre espace adhérent.`,
              en: `${setupLabel.en} not found at Stripe: start again from your member area.`,
            },
            { field: 'setupIntentId' },
          );
        }
        throw gatewayError(error);
      }
      if (!profile.stripeCustomerId || idOf(intent.customer) !== profile.stripeCustomerId) {
        throw someoneElses();
      }
      const method = intent.payment_method;
      if (intent.status !== 'succeeded' || !method) {
        throw new CocagneError('refused', notConfirmed(intent.status));
      }
      const full = typeof method === 'string' ? await retrievePaymentMethod(method) : method;
      if (!full) throw new CocagneError('refused', notConfirmed('requires_payment_method'));
      return (await remember(input.gardenId, input.memberId, profile.stripeCustomerId, full)).method;
    },

    /**
     * The `setup_intent.succeeded` webhook: saves the card or mandate if the browser could not
     * (closed too early). False when the event is not about a member of ours, or is older
     * than the means of payment already saved.
     */
    async setupSucceeded(intent: Stripe.SetupIntent): Promise<boolean> {
      const { gardenId, memberId } = intent.metadata ?? {};
      const methodId = idOf(intent.payment_method);
      const customerId = idOf(intent.customer);
      if (!gardenId || !memberId || !methodId || !customerId || intent.status !== 'succeeded') return false;
      const profile = await billingProfiles.get(gardenId, memberId);
      if (profile.stripeCustomerId !== customerId) return false;
      const method = await retrievePaymentMethod(methodId);
      if (!method) return false;
      return (await remember(gardenId, memberId, customerId, method)).saved;
    },

    /** A saved card or mandate as the profile would label it. */
    async describePaymentMethod(id: string): Promise<SavedPaymentMethod | undefined> {
      const method = await retrievePaymentMethod(id);
      return method ? { id: method.id, ...paymentMethodLabel(method) } : undefined;
    },

    findCharge,

    /**
     * Charges a saved card or mandate, off-session, in euros, with the caller's idempotency
     * key. A decline is an answer (`failed` with its code), not an error; Stripe being
     * unreachable is a `PaymentGatewayError` with `retryable` true (retry with the same key).
     * Stripe forgets an idempotency key after 24 hours: so that a retry after that charges no
     * second time, the attempt's PaymentIntent is looked for first (`findCharge`), and its
     * outcome answers when there is one.
     */
    async charge(input: ChargeInput): Promise<ChargeResult> {
      const { metadata } = input;
      const earlier = await findCharge({
        customerId: input.customerId,
        workflowId: metadata.workflowId,
        attempt: metadata.attempt,
        since: input.since,
      });
      if (earlier) return earlier;
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: input.amount,
            currency: 'eur',
            customer: input.customerId,
            payment_method: input.paymentMethodId,
            allowed_payment_method_types: ['card', 'sepa_debit'],
            off_session: true,
            confirm: true,
            description: input.description,
            metadata: {
              gardenId: metadata.gardenId,
              invoiceNumber: String(metadata.invoiceNumber),
              workflowId: metadata.workflowId,
              attempt: String(metadata.attempt),
            },
          },
          { idempotencyKey: input.idempotencyKey },
        );
        return chargeOutcome(intent);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) {
          const intentId = error.payment_intent?.id;
          return {
            ...(intentId ? { paymentIntentId: intentId } : {}),
            status: 'failed',
            failure: {
              code: error.decline_code || error.code || 'card_declined',
              message: error.message,
            },
          };
        }
        throw gatewayError(error);
      }
    },

    /**
     * Checks a webhook's Stripe-Signature over the raw body (tolerance: 5 minutes) and returns
     * the event. A forged or stale signature is refused (400) with what was wrong.
     */
    verifyWebhook(rawBody: Buffer, signature: string | undefined, now: Date = new Date()): Stripe.Event {
      if (!config.webhookSecret) throw unavailableInThisSetup();
      if (!signature) throw badSignature('missing');
      const tolerance = Stripe.webhooks.DEFAULT_TOLERANCE;
      try {
        return stripe.webhooks.constructEvent(
          rawBody,
          signature,
          config.webhookSecret,
          tolerance,
          undefined,
          now.getTime(),
        );
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
        const timestamp = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
        const stale = Number.isFinite(timestamp) && now.getTime() / 1000 - timestamp > tolerance;
        throw badSignature(stale ? 'stale' : 'forged');
      }
    },
  };
}
export type PaymentGateway = ReturnType<typeof createStripeGateway>;

export { unavailableInThisSetup as paymentsNotConfigured };

function notConfirmed(status: string): Localized {
  return status === 'requires_action' || status === 'processing'
    ? {
        fr: "Votre banque n'a pas encore confirmé ce moyen de paiement. Terminez la confirmation demandée, puis réessayez.",
        en: 'Your bank has not confirmed this means of payment yet. Finish the confirmation it asks for, then try again.',
      }
    : {
        fr: "Ce moyen de paiement n'a pas encore été confirmé. Saisissez votre carte ou votre IBAN, puis validez.",
        en: 'This means of payment has not been confirmed yet. Enter your card or IBAN, then confirm.',
      };
}

function badSignature(why: 'missing' | 'forged' | 'stale'): CocagneError {
  const messages: Record<typeof why, Localized> = {
    missing: {
      fr: "Notification Stripe refusée : l'en-tête Stripe-Signature manque.",
      en: 'Stripe notification refused: the Stripe-Signature header is missing.',
    },
    forged: {
      fr: 'Notification Stripe refusée : sa signature ne correspond pas à son contenu ni à notre secret.',
      en: 'Stripe notification refused: its signature matches neither its content nor our secret.',
    },
    stale: {
      fr: 'Notification Stripe refusée : sa signature est trop ancienne (plus de 5 minutes).',
      en: 'Stripe notification refused: its signature is too old (more than 5 minutes).',
    },
  };
  return new CocagneError('invalid_input', messages[why]);
}
