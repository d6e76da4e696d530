import { cents, formatEuros } from '../money.ts';
import { wording, type Templates } from './wording.ts';

/** What the garden writes when a payment fails and deliveries stop and start again. */
export const paymentTemplates: Templates<
  'payment-failed' | 'payment-overdue' | 'deliveries-suspended' | 'deliveries-resumed'
> = {
  'payment-failed': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const amount = formatEuros(cents(data.amount), locale);
    const reason = data.reason[locale];
    return {
      subject: say(
        `Votre paiement n'a pas abouti (facture ${data.invoiceLabel})`,
        `Your payment did not go through (invoice ${data.invoiceLabel})`,
      ),

      blocks: [
        say(
          `Le paiement de ${amount} pour la facture ${data.invoiceLabel} n'a pas abouti.`,
          `The payment of ${amount} for invoice ${data.invoiceLabel} did not go through.`,
        ),
        say(`Raison : ${reason}`, `Reason: ${reason}`),
        data.nextAttempt
          ? say(
              `Nous réessaierons le ${day(data.nextAttempt)}. Si besoin, mettez à jour votre moyen de paiement d'ici là.`,
              `We will try again on ${day(data.nextAttempt)}. If needed, update your means of payment before then.`,
            )
          : say(
              "L'équipe du jardin va vous contacter. Vous pouvez aussi mettre à jour votre moyen de paiement, ou régler par chèque, espèces ou virement.",
              'The garden team will get in touch. You can also update your means of payment, or pay by cheque, cash or bank transfer.',
            ),
        {
          link: data.paymentMethodUrl,
          text: say('Mettre à jour mon moyen de paiement', 'Update my means of payment'),
        },
      ],
      smsLink: data.paymentMethodUrl,
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `paiement de ${amount} (${data.invoiceLabel}) refusé.${parts.details ? ` ${reason}` : ''}${data.nextAttempt ? ` Nouvel essai le ${smsDay(data.nextAttempt)}.` : ''}`,
            `the payment of ${amount} (invoice ${data.invoiceLabel}) failed.${parts.details ? ` ${reason}` : ''}${data.nextAttempt ? ` Next try ${smsDay(data.nextAttempt)}.` : ''}`,
          ),
        ),
    };
  },

  'payment-overdue': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const amount = formatEuros(cents(data.amount), locale);
    return {
      subject: say(
        `Facture ${data.invoiceLabel} en attente de paiement`,
        `Invoice ${data.invoiceLabel} awaiting payment`,
      ),
      blocks: [
        say(
          `La facture ${data.invoiceLabel} (${amount}) est à régler pour le ${day(data.dueOn)}, et nous n'avons pas encore reçu votre paiement.`,
          `Invoice ${data.invoiceLabel} (${amount}) is due on ${day(data.dueOn)}, and we have not received your payment yet.`,
        ),
        say(
          "Vous pouvez la régler par chèque, espèces ou virement auprès de l'équipe du jardin. Si c'est déjà fait, merci et ne tenez pas compte de ce message.",
          'You can pay it by cheque, cash or bank transfer to the garden team. If you already have, thank you, and please ignore this message.',
        ),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `la facture ${data.invoiceLabel} (${amount}) est à régler pour le ${smsDay(data.dueOn)}.`,
            `invoice ${data.invoiceLabel} (${amount}) is due on ${smsDay(data.dueOn)}.`,
          ),
        ),
    };
  },

  'deliveries-suspended': ({ data }, locale) => {
    const { say, day, start } = wording(data, locale);
    const amount = formatEuros(cents(data.amount), locale);
    return {
      subject: say('Vos livraisons sont suspendues', 'Your deliveries are suspended'),
      formal: true,
      blocks: [
        say(
          `Faute de paiement de la facture ${data.invoiceLabel} (${amount}), vos livraisons sont suspendues à partir du ${day(data.from)}.`,
          `As invoice ${data.invoiceLabel} (${amount}) is unpaid, your deliveries are suspended from ${day(data.from)}.`,
        ),
        say(
          'Elles reprendront dès le paiement reçu. Contactez-nous si vous rencontrez une difficulté : des solutions existent.',
          'They will resume as soon as the payment is received. Please contact us if you are facing difficulties: there are solutions.',
        ),
      ],
      sms: (parts, smsDay) =>
        start(
          parts,
          say(
            `facture ${data.invoiceLabel} impayée : livraisons suspendues dès le ${smsDay(data.from)}, jusqu'au paiement.`,
            `invoice ${data.invoiceLabel} unpaid: deliveries suspended from ${smsDay(data.from)} until payment.`,
          ),
        ),
    };
  },

  'deliveries-resumed': ({ data }, locale) => {
    const { say, start } = wording(data, locale);
    return {
      subject: say('Vos livraisons reprennent', 'Your deliveries resume'),
      blocks: [
        data.writtenOff
          ? say(
              `L'équipe du jardin a clos la facture ${data.invoiceLabel} : vous n'avez plus rien à payer pour elle, et vos livraisons reprennent dès la prochaine date prévue.`,
              `The garden team has closed invoice ${data.invoiceLabel}: you owe nothing more for it, and your deliveries resume from the next planned date.`,
            )
          : say(
              `Merci : la facture ${data.invoiceLabel} est réglée, vos livraisons reprennent dès la prochaine date prévue.`,
              `Thank you: invoice ${data.invoiceLabel} is settled, and your deliveries resume from the next planned date.`,
            ),
      ],
      sms: (parts) =>
        start(
          parts,
          data.writtenOff
            ? say(
                `facture ${data.invoiceLabel} close par l'équipe. Vos livraisons reprennent.`,
                `invoice ${data.invoiceLabel} closed by the team. Your deliveries resume.`,
              )
            : say(
                `facture ${data.invoiceLabel} réglée, merci ! Vos livraisons reprennent.`,
                `invoice ${data.invoiceLabel} settled, thank you! Your deliveries resume.`,
              ),
        ),
    };
  },
};
