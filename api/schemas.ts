import Type, { type TProperties } from 'typebox';
import { Depot } from '../domain/depot.ts';
import { Garden } from '../domain/garden.ts';
import {
  DepotId,
  GardenId,
  InvoiceNumber,
  IsoWeek,
  MemberId,
  Month,
  ProductId,
  SubscriptionId,
} from '../domain/ids.ts';
import { Member } from '../domain/member.ts';

const errorBody = {
  error: Type.String({
    description: 'Stable code: invalid_input, unauthenticated, forbidden, not_found, conflict, refused…',
  }),
  message: Type.String({ description: "A sentence for people, in the caller's language." }),
  issues: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  requestId: Type.Optional(Type.String()),
};

/** The body of every error answer. */
export const ErrorAnswer = Type.Object(errorBody);

const errorAnswer = (description: string) => Type.Object(errorBody, { description });

/**
 * What any route may answer besides its success, each with what it means. The line between
 * 400 and 422: a request that does not match this description (type, format, pattern, length,
 * range, enum) is 400; one that matches it but that the garden's rules refuse now (a day
 * already past, a rule between two fields, the state of a record) is 422.
 */
export const errorAnswers = {
  400: errorAnswer(
    'The request does not match this description (`issues` names each field and what is wrong).',
  ),
  401: errorAnswer('No valid bearer token: sign in (again).'),
  403: errorAnswer("The account may not do this, or not in this garden (the token's garden)."),
  404: errorAnswer(
    'Nothing here: the record (or the week, the page…) does not exist, or not for this caller.',
  ),
  409: errorAnswer(
    'Someone changed the record meanwhile (`version` is not the one read), or it exists already.',
  ),
  422: errorAnswer(
    "Well-formed, but refused by the garden's rules as things stand: the message says why, `issues` which field.",
  ),
  429: errorAnswer('Too many requests: try again after the `Retry-After` seconds.'),
  503: errorAnswer('A service the API needs is out of reach for now: try again shortly.'),
};

/** A record's optimistic-locking version, as read (bounded: DynamoDB keeps numbers to 38 digits). */
export const Version = (minimum: 0 | 1, description = 'The version read.') =>
  Type.Integer({ minimum, maximum: 2_147_483_647, description });

/**
 * A query string. Unknown parameters are refused, as unknown body fields are; a parameter
 * with a default may be left out, so the description does not list it as required (the
 * validator fills the default in, so handlers still read a value).
 */
export function Query<Properties extends TProperties>(properties: Properties) {
  const schema = Type.Object(properties, { additionalProperties: false });
  const required = ((schema.required ?? []) as readonly string[]).filter(
    (name) => !('default' in (properties[name] ?? {})),
  );
  // Changed in place: a copy would lose TypeBox's hidden kind, which conversion relies on.
  const writable = schema as { required?: string[] };
  if (required.length > 0) writable.required = required;
  else delete writable.required;
  return schema;
}

/** A file answered as it is (a PDF, a CSV): its bytes, described by its media type. */
export const fileAnswer = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: Type.Unsafe<Buffer | string>({ type: 'string', format: 'binary' }) } },
});

export const GardenParams = Type.Object({ gardenId: GardenId });
export const MemberParams = Type.Object({ ...GardenParams.properties, memberId: MemberId });
export const SubscriptionParams = Type.Object({ ...GardenParams.properties, subscriptionId: SubscriptionId });
export const DepotParams = Type.Object({ ...GardenParams.properties, depotId: DepotId });
export const ProductParams = Type.Object({ ...GardenParams.properties, productId: ProductId });
export const WeekParams = Type.Object({ ...GardenParams.properties, week: IsoWeek });
export const MonthParams = Type.Object({ ...GardenParams.properties, month: Month });
export const InvoiceParams = Type.Object({ ...GardenParams.properties, number: InvoiceNumber });

export { Depot, Garden, Member };
export { Identity, MemberPage, SubscriptionView } from '../domain/views.ts';
