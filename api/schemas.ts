import Type from 'typebox';
import { Depot } from '../domain/depot.ts';
import { Garden } from '../domain/garden.ts';
import { Member } from '../domain/member.ts';
import { roles } from '../domain/roles.ts';
import { Subscription } from '../domain/subscription.ts';

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

export const Identity = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  name: Type.String(),
  email: Type.Optional(Type.String()),
  roles: Type.Array(Type.Enum([...roles])),
  gardenId: Type.Optional(Type.String()),
  memberId: Type.Optional(Type.String()),
  garden: Type.Optional(Garden),
});

export const MemberPage = Type.Object({
  members: Type.Array(Member),
  nextCursor: Type.Optional(Type.String()),
});

/** A subscription with the names people read beside it. */
export const SubscriptionView = Type.Object({
  ...Subscription.properties,
  memberName: Type.Optional(Type.String()),
  depotName: Type.Optional(Type.String()),
});

export { Depot, Garden, Member };
