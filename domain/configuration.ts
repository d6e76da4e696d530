import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Reads a process's configuration from its environment variables against a schema: numbers
 * and booleans are converted, defaults applied, and anything missing or malformed stops the
 * process at boot with one line per problem, instead of failing later at the first request.
 */
export function readConfiguration<T extends TSchema>(
  schema: T,
  environment: Readonly<Record<string, string | undefined>>,
): Static<T> {
  const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  const relevant: Record<string, unknown> = {};
  for (const name of Object.keys(properties)) {
    const value = environment[name];
    if (value !== undefined && value !== '') relevant[name] = value;
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, relevant));
  if (Value.Check(schema, withDefaults)) return withDefaults;
  const problems = Value.Errors(schema, withDefaults).map((error) => {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties;
    if (error.keyword === 'required' && missing) return `${missing.join(', ')}: missing`;
    return `${error.instancePath.slice(1) || '(configuration)'}: ${error.message}`;
  });
  throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}
