import type { InputIssue } from '../../../domain/validation.ts';

/** Issues split between the fields a form shows and the rest (said in a banner). */
export interface PlacedIssues {
  byField: Record<string, string>;
  general: string[];
}

export function placeIssues(issues: readonly InputIssue[], fields: readonly string[]): PlacedIssues {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const issue of issues) {
    if (fields.includes(issue.field) && byField[issue.field] === undefined)
      byField[issue.field] = issue.message;
    else general.push(issue.message);
  }
  return { byField, general };
}

/**
 * The domain names some fields after their property (« capacity »): says them with the
 * form's own label instead, so the sentence reads as the person sees the form.
 */
export function relabel(
  issues: readonly InputIssue[],
  labels: Readonly<Record<string, string>>,
): InputIssue[] {
  return issues.map((issue) => {
    const label = labels[issue.field];
    return label ? { ...issue, message: issue.message.replace(`« ${issue.field} »`, `« ${label} »`) } : issue;
  });
}

/** A number as people type it: "1,5" or "1.5"; anything else is kept as text for the schema to refuse. */
export function numberOf(text: string): number | string {
  const trimmed = text.trim().replace(/\s/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text.trim();
}
