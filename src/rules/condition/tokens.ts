/**
 * The lexical classes of libsinsp's filter grammar (parser.h), as sticky regular expressions the
 * parser applies at its cursor, and the operator and transformer spellings.
 */
import type { BinaryOperator, OperatorModifier, TransformerName } from './ast.js';

export const BLANK = /[ \t\r\n\f\v\b]+/y;
export const NOT_BLANK = /not[ \t\r\n\f\v\b]+/y;
export const IDENTIFIER = /[a-zA-Z]+[a-zA-Z0-9_]*/y;
export const FIELD_NAME = /[a-zA-Z]+[a-zA-Z0-9_]*(?:\.[a-zA-Z]+[a-zA-Z0-9_]*)+/y;
export const FIELD_ARG_BARE = /[^\][\s"']+/y;
export const HEX_NUMBER = /0[xX][0-9a-zA-Z]+/y;
export const NUMBER = /[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
export const BARE_STRING = /[^()"'\s=,]+/y;
/** A modifier must be followed by a blank: `oneof(` is not one. */
export const MODIFIER = /(oneof|anyof|allof)[ \t\r\n\f\v\b]+/y;

export const NUM_OPERATORS: readonly BinaryOperator[] = ['<=', '<', '>=', '>'];
/** Symbolic string operators, longest first. */
export const SYMBOL_STR_OPERATORS: readonly BinaryOperator[] = ['==', '=', '!='];
/** Word string operators: each must be followed by a blank. */
export const WORD_STR_OPERATORS: readonly BinaryOperator[] = [
  'glob',
  'iglob',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'regex',
];
/** List operators need no blank after them: `in()` is valid. `intersects` before `in`. */
export const LIST_OPERATORS: readonly BinaryOperator[] = ['intersects', 'in', 'pmatch'];

export const MODIFIERS: readonly OperatorModifier[] = ['oneof', 'anyof', 'allof'];

/** Transformers taking one operand. */
export const UNARY_TRANSFORMERS: readonly TransformerName[] = ['tolower', 'toupper', 'b64', 'basename', 'len'];
export const ALL_TRANSFORMERS: readonly TransformerName[] = [...UNARY_TRANSFORMERS, 'join', 'concat', 'getopt'];

export function isBlankChar(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v' || c === '\b';
}
