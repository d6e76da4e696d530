import Type from 'typebox';
import { Garden } from './garden.ts';
import { Member } from './member.ts';
import { roles } from './roles.ts';
import { Subscription } from './subscription.ts';

/**
 * What the API answers, as the web app reads it: one definition for the API's response
 * schemas and the web app's types.
 */
export const Identity = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  name: Type.String(),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  roles: Type.Array(Type.Enum([...roles])),
  gardenId: Type.Optional(Type.String()),
  memberId: Type.Optional(Type.String()),
  garden: Type.Optional(Garden),
});
export type Identity = Type.Static<typeof Identity>;

export const MemberPage = Type.Object({
  members: Type.Array(Member),
  nextCursor: Type.Optional(Type.String()),
  /** How many members the search and filters keep, over every page. */
  total: Type.Optional(Type.Integer()),
});
export type MemberPage = Type.Static<typeof MemberPage>;

/** A subscription with the names people read beside it. */
export const SubscriptionView = Type.Object({
  ...Subscription.properties,
  memberName: Type.Optional(Type.String()),
  depotName: Type.Optional(Type.String()),
});
export type SubscriptionView = Type.Static<typeof SubscriptionView>;
