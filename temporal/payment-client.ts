import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import {
  invoicePaymentId,
  invoicePaymentRecordedSignal,
  invoicePaymentType,
  paymentDecisionUpdate,
  paymentStateQuery,
  stripePaymentEventSignal,
  type PaymentDecision,
  type PaymentState,
  type StripePaymentEvent,
} from '../workflows/payment/contract.ts';
import type { invoicePayment } from '../workflows/payment/workflow.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import { executeAction } from './updates.ts';

const notCollecting = () =>
  new CocagneError('not_found', {
    fr: "Le recouvrement de cette facture n'est pas en cours.",
    en: 'This invoice is not being collected.',
  });

/** The collection of invoices, as the API and the billing run drive it. */
export function createPaymentCommands(client: Client) {
  const handleOf = (gardenId: string, invoiceNumber: number) =>
    client.workflow.getHandle(invoicePaymentId(gardenId, invoiceNumber));

  return {
    /** Starts collecting an invoice; twice is once. */
    async collect(input: {
      gardenId: string;
      invoiceNumber: number;
      memberId: string;
      subscriptionId?: string;
    }): Promise<boolean> {
      try {
        await client.workflow.start<typeof invoicePayment>(invoicePaymentType, {
          taskQueue: gardenTaskQueue(input.gardenId),
          workflowId: invoicePaymentId(input.gardenId, input.invoiceNumber),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: gardenIdKey, value: input.gardenId }],
        });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },

    /** Where the collection stands; undefined when it never started. */
    async state(gardenId: string, invoiceNumber: number): Promise<PaymentState | undefined> {
      try {
        return await client.withDeadline(Date.now() + 5_000, () =>
          handleOf(gardenId, invoiceNumber).query(paymentStateQuery),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    },

    /**
     * Passes a Stripe event on to the invoice's workflow. False when that workflow is not
     * running any more (the event is then acknowledged and has no effect).
     */
    async stripeEvent(gardenId: string, invoiceNumber: number, event: StripePaymentEvent): Promise<boolean> {
      try {
        await handleOf(gardenId, invoiceNumber).signal(stripePaymentEventSignal, event);
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    },

    /** Tells the invoice's workflow that staff recorded a payment on it. */
    async paymentRecorded(gardenId: string, invoiceNumber: number): Promise<void> {
      try {
        await handleOf(gardenId, invoiceNumber).signal(invoicePaymentRecordedSignal);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },

    /** Staff decide what happens to an invoice that could not be collected. */
    async decide(gardenId: string, invoiceNumber: number, decision: PaymentDecision): Promise<PaymentState> {
      return executeAction(client, handleOf(gardenId, invoiceNumber), paymentDecisionUpdate, decision, {
        deadlineMs: 60_000,
        notRunning: notCollecting,
      });
    },
  };
}
export type PaymentCommands = ReturnType<typeof createPaymentCommands>;
