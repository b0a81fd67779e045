export { compileCondition, compileConditionText } from './compiler.js';
export type { CompileOptions, CompiledCondition, Predicate } from './compiler.js';
export type { CompileWarning } from './context.js';
export type { ListTable } from './lists.js';
export { referencedEventTypes } from './event-types.js';
export type { EventTypeOptions } from './event-types.js';
export { referencedFields } from './referenced-fields.js';
export { referencedNames } from './referenced-names.js';
export type { ReferencedNames } from './referenced-names.js';
