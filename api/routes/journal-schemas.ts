import Type from 'typebox';

/** A sentence in French and English. */
export const Localized = Type.Object({ fr: Type.String(), en: Type.String() });

/**
 * What every journal entry answers (domain/journal/journal-entry.ts), whichever route: the
 * instant, the sentence, who did it and why, before and after. Each route adds its id, kind,
 * category and source.
 */
export const journalEntryFields = {
  at: Type.String({ description: 'ISO instant.' }),
  text: Localized,
  actor: Type.Optional(
    Type.Object({ id: Type.String(), name: Type.String(), role: Type.Optional(Type.String()) }),
  ),
  reason: Type.Optional(Type.String()),
  changes: Type.Optional(
    Type.Array(
      Type.Object({
        field: Type.String(),
        label: Localized,
        before: Type.Optional(Type.Unknown()),
        after: Type.Optional(Type.Unknown()),
      }),
    ),
  ),
};
