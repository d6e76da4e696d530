/**
 * One text field of a form written as data, so that a form lists its fields once and
 * TextFieldList renders them (label and hint are i18n keys, translated when shown):
 *
 *   { key: 'iban', label: 'gardenContact.ibanLabel', testid: 'contact-iban', attrs: { maxlength: 50 } }
 */
export interface TextFieldSpec<Key extends string = string> {
  /** The field in the form's model, and the name its issues and errors go under. */
  key: Key;
  /** The end of the control's id, after the form's id prefix and a dash: the key unless said. */
  id?: string;
  /** The i18n key of its label. */
  label: string;
  /** The i18n key of its hint, if it has one. */
  hint?: string;
  /** Says « (facultatif) » after the label. */
  optional?: boolean;
  /** Spans the whole row of the form grid. */
  wide?: boolean;
  testid: string;
  /** The data-testid of the field's error message, if tests look for it. */
  errorTestid?: string;
  /** The control's own attributes: `maxlength`, `type`, `inputmode`, `rows`, `class`… */
  attrs?: Readonly<Record<string, string | number | undefined>>;
}

/** The keys of a form's model that hold text, the ones a TextFieldSpec may name. */
export type TextKeyOf<Model> = {
  [Key in keyof Model]: Model[Key] extends string ? Key : never;
}[keyof Model] &
  string;
