/**
 * Ids of the garden's processes (Temporal workflow ids), built from business keys as
 * `<garden>/<process>/<entity>`: the same business fact never starts two processes, and an id
 * says what it is about without any personal data.
 */
export function subscriptionProcessId(gardenId: string, subscriptionId: string): string {
  return `${gardenId}/subscription/${subscriptionId}`;
}

export function settingsBroadcastProcessId(gardenId: string, change: string): string {
  return `${gardenId}/settings-broadcast/${change}`;
}

export function weekProcessId(gardenId: string, week: string): string {
  return `${gardenId}/week/${week}`;
}

/** The collection of one invoice (or installment): charges, retries, the staff decision. */
export function invoicePaymentProcessId(gardenId: string, invoiceNumber: number): string {
  return `${gardenId}/invoice/${invoiceNumber}`;
}

/** One garden's billing run for a month ("2026-11") or a season's installments. */
export function billingRunProcessId(gardenId: string, period: string): string {
  return `${gardenId}/billing/${period}`;
}

/** One garden's delivery round on a day ("2026-12-08"): stops, routes, approval, marks. */
export function roundProcessId(gardenId: string, date: string): string {
  return `${gardenId}/round/${date}`;
}

/** One garden's rollouts of one extension ("quotient-familial"): checks, tests, approval, probation. */
export function extensionRolloutProcessId(gardenId: string, extensionName: string): string {
  return `${gardenId}/extension/${extensionName}`;
}

/** One copy of a member's data (RGPD article 20), by the request's id. */
export function memberDataExportProcessId(gardenId: string, memberId: string, exportId: string): string {
  return `${gardenId}/member-data-export/${memberId}-${exportId}`;
}
