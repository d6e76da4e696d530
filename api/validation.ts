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
    const prepared = httpPart === 'body' ? value : Value.Default(schema, Value.Convert(schema, value));
    if (checker.Check(prepared)) return { value: prepared };
    return { error: checker.Errors(prepared) as FastifySchemaValidationError[] };
  };
};
