import Type from 'typebox';

/** Who did something: recorded with every decision, so the history says who and when. */
export const Actor = Type.Object({
  /** The identity provider's subject id. */
  userId: Type.String(),
  /** The person's display name at the time. */
  name: Type.String(),
});
export type Actor = Type.Static<typeof Actor>;

export const Act = Type.Object({
  by: Actor,
  /** ISO timestamp, UTC. */
  at: Type.String(),
});
export type Act = Type.Static<typeof Act>;
