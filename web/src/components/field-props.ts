/** What every labelled field of a form takes: FormField's props, shared by TextField and SelectField. */
export interface FieldProps {
  /** The control's id; the hint and the error take it with `-hint` and `-error`. */
  controlId: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Says « (facultatif) » after the label. */
  optional?: boolean;
  /** Spans the whole row of a form grid. */
  wide?: boolean;
  /** Other elements describing the control, such as a hint shared by several fields. */
  describedBy?: string | undefined;
  errorTestid?: string | undefined;
}

/** Only FieldProps' own keys of a wider set of props (a v-model, a text area's rows…), for FormField. */
export function fieldPropsOf(props: FieldProps): FieldProps {
  const { controlId, label, hint, error, optional, wide, describedBy, errorTestid } = props;
  return { controlId, label, hint, error, optional, wide, describedBy, errorTestid };
}
