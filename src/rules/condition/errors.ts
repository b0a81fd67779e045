import type { Position } from './ast.js';

/**
 * An error in a condition, at a place in its source. Rule files hold many conditions, so the
 * message carries line, column and the offending text to let authors find it without a debugger.
 */
export class ConditionError extends Error {
  readonly line: number;
  readonly col: number;
  readonly offset: number;
  /** The source text at the error (a short excerpt), or `end of input`. */
  readonly text: string;
  /** The reason, without the position (the `message` has both). */
  readonly reason: string;

  constructor(reason: string, pos: Position, text: string) {
    super(`${reason} at line ${pos.line}, column ${pos.col} (near ${text === '' ? 'end of input' : `'${text}'`})`);
    this.name = 'ConditionError';
    this.reason = reason;
    this.line = pos.line;
    this.col = pos.col;
    this.offset = pos.offset;
    this.text = text;
  }
}

/** The condition does not follow libsinsp's grammar. */
export class ConditionSyntaxError extends ConditionError {
  constructor(reason: string, pos: Position, text: string) {
    super(reason, pos, text);
    this.name = 'ConditionSyntaxError';
  }
}

/**
 * Why a condition does not compile, for callers that treat some causes differently (Falco's
 * `skip-if-unknown-filter` skips a rule only for an unknown field).
 */
export type CompileErrorCode =
  'unknown-field' | 'field-argument' | 'undefined-macro' | 'macro-cycle' | 'operator-type' | 'value' | 'transformer';

/** The condition parses but cannot be compiled (unknown field, operator not valid for the type, …). */
export class ConditionCompileError extends ConditionError {
  readonly code: CompileErrorCode;
  /** Macros being expanded when the error was found, outermost first (the position is in the last). */
  readonly macroChain: readonly string[];

  constructor(code: CompileErrorCode, reason: string, pos: Position, text: string, macroChain: readonly string[] = []) {
    super(macroChain.length > 0 ? `${reason} (in macro ${macroChain.join(' > ')})` : reason, pos, text);
    this.name = 'ConditionCompileError';
    this.code = code;
    this.macroChain = macroChain;
  }
}
