/**
 * How request schemas are checked. URL parts (params, querystring, headers) arrive as text, so
 * they are coerced to the schema's types (`limit=10` → 10); JSON bodies are typed already, so
 * there a string where a number belongs is an error rather than silently converted.
 */
import { Ajv, type AnySchema, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

export function validatorCompiler(): FastifySchemaCompiler<AnySchema> {
  // removeAdditional off: schemas with additionalProperties: false refuse a misspelt parameter
  // instead of dropping it, so a typo never turns into an unfiltered answer.
  const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };
  const fromText = new Ajv({ ...common, coerceTypes: 'array' });
  const fromJson = new Ajv({ ...common, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? fromJson : fromText).compile(schema);
}
