import Type from 'typebox';

/** How to reach Temporal: the local dev server, a self-hosted cluster or Temporal Cloud. */
export const TemporalSettings = Type.Object({
  TEMPORAL_ADDRESS: Type.String({ minLength: 1 }),
  TEMPORAL_NAMESPACE: Type.String({ minLength: 1 }),
  /** Temporal Cloud API key; when set, TLS is used. */
  TEMPORAL_API_KEY: Type.Optional(Type.String()),
  TEMPORAL_TLS: Type.Boolean({ default: false }),
});
export type TemporalSettings = Type.Static<typeof TemporalSettings>;

export function connectionOptions(settings: TemporalSettings) {
  const apiKey = settings.TEMPORAL_API_KEY;
  return {
    address: settings.TEMPORAL_ADDRESS,
    ...(settings.TEMPORAL_TLS || apiKey ? { tls: true } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}
