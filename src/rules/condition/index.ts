export type * from './ast.js';
export { ConditionError, ConditionSyntaxError, ConditionCompileError } from './errors.js';
export type { CompileErrorCode } from './errors.js';
export { parseCondition } from './parser.js';
