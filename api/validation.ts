import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
// Importing the domain's validation raises TypeBox's error limit, so every field is named.
import '../domain/validation.ts';

/**
 * Request validation with TypeBox, the same checker the web app uses, so both report the
 * same errors. Query strings, params and headers arrive as text: they are converted and given
 * their defaults first. Bodies are checked as sent: a JSON body is never coerced.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = Compile(schema);
  return (value: unknown) => {
    const prepared =
      httpPart === 'body'
        ? value
        : // Convert works in place: it gets a copy, so the text as sent can be compared.
          Value.Default(
            schema,
            faithfully(value, Value.Convert(schema, isRecord(value) ? { ...value } : value)),
          );
    if (checker.Check(prepared)) return { value: prepared };
    return { error: checker.Errors(prepared) as FastifySchemaValidationError[] };
  };
};

const decimal = /^-?(?:\d+|\d*\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The converted text parameters, except those that did not say what they became: TypeBox
 * reads `count=true` as 1 and `count=` as 0, where the caller wrote no number at all. Those
 * stay text, so the check refuses them as the description says.
 */
function faithfully(original: unknown, converted: unknown): unknown {
  if (!isRecord(original) || !isRecord(converted)) return converted;
  const kept: Record<string, unknown> = { ...converted };
  for (const [name, text] of Object.entries(original)) {
    if (typeof text !== 'string') continue;
    const value = converted[name];
    const said =
      typeof value === 'number'
        ? decimal.test(text)
        : typeof value === 'boolean'
          ? text === 'true' || text === 'false'
          : true;
    if (!said) kept[name] = text;
  }
  return kept;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
