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
