/** Falco field extraction over Harrier's events and state. */
export type { EvalContext, Extractor, FieldArg, FieldDef, FieldRegistry, FieldType, FieldValue } from './types.js';
export { FalcoFieldRegistry, fieldRegistry, supportedFields } from './registry.js';
export { type FieldRef, argProblem, parseFieldRef, readFieldRef } from './field-ref.js';
export { unsupportedFields } from './unsupported.js';
