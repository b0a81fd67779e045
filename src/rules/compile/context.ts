import type { Position } from '../condition/ast.js';
import type { CompileErrorCode } from '../condition/errors.js';
import type { FieldRegistry } from '../fields/types.js';

/** What the compiler's parts share: the fields, and how to report errors and warnings. */
export interface CompileContext {
  registry: FieldRegistry;
  /** Throws a ConditionCompileError at `pos`, naming the macros being expanded. */
  fail(code: CompileErrorCode, reason: string, pos: Position, text: string): never;
  warn(message: string, pos: Position): void;
}

/** A compile-time warning: the condition works but probably not as its author meant. */
export interface CompileWarning {
  message: string;
  pos: Position;
  /** Macros being expanded where the warning was found, outermost first. */
  macroChain: readonly string[];
}
