import Type from 'typebox';
import { Depot } from '../domain/depot.ts';
import { Garden } from '../domain/garden.ts';
import { Member } from '../domain/member.ts';

/** The body of every error answer. */
export const ErrorAnswer = Type.Object({
  error: Type.String({
    description: 'Stable code: invalid_input, unauthenticated, forbidden, not_found, conflict…',
  }),
  message: Type.String({ description: "A sentence for people, in the caller's language." }),
  issues: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  requestId: Type.Optional(Type.String()),
});

export const errorAnswers = {
  400: ErrorAnswer,
  401: ErrorAnswer,
  403: ErrorAnswer,
  404: ErrorAnswer,
  409: ErrorAnswer,
  422: ErrorAnswer,
  503: ErrorAnswer,
};

export const GardenParams = Type.Object({ gardenId: Type.String({ minLength: 3, maxLength: 40 }) });
export const MemberParams = Type.Object({
  ...GardenParams.properties,
  memberId: Type.String({ maxLength: 80 }),
});
export const SubscriptionParams = Type.Object({
  ...GardenParams.properties,
  subscriptionId: Type.String({ maxLength: 120 }),
});

export { Depot, Garden, Member };
export { Identity, MemberPage, SubscriptionView } from '../domain/views.ts';
