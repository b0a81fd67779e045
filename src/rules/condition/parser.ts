/**
 * libsinsp's filter grammar (falcosecurity/libs userspace/libsinsp/filter/parser.h), parsed by
 * recursive descent straight from characters, as libsinsp does: whether `and` needs a blank after
 * it, or whether `in()` is valid, depends on context, so there is no separate token stream.
 *
 *   Expr      ::= AndExpr ('or' (Blank AndExpr | '(' Expr ')'))*
 *   AndExpr   ::= NotExpr ('and' (Blank NotExpr | '(' Expr ')'))*
 *   NotExpr   ::= ('not' Blank)* ('not(' Expr ')' | Check)
 *   Check     ::= '(' Expr ')' | Operand Condition | Identifier
 *   Operand   ::= Field | Transformer
 *   Condition ::= 'exists' | NumOp (Number | RhsOperand) | StrOp [Modifier] (StrValue | RhsOperand)
 *               | ListOp (ListValue | RhsOperand)
 *
 * Precedence is `not` > `and` > `or`; `not not x` collapses to `x` as in libsinsp.
 */
import type {
  BinaryCheck,
  BinaryOperator,
  Expr,
  FieldRef,
  ListLit,
  ListRef,
  Operand,
  OperatorModifier,
  RightHand,
  TransformExpr,
  TransformerName,
  ValueLit,
} from './ast.js';
import { ConditionSyntaxError } from './errors.js';
import { EscapeError, scanQuoted, unescapeQuoted } from './quoted.js';
import { Source } from './source.js';
import {
  ALL_TRANSFORMERS,
  BARE_STRING,
  BLANK,
  FIELD_ARG_BARE,
  FIELD_NAME,
  HEX_NUMBER,
  IDENTIFIER,
  isBlankChar,
  LIST_OPERATORS,
  MODIFIER,
  NOT_BLANK,
  NUMBER,
  NUM_OPERATORS,
  SYMBOL_STR_OPERATORS,
  WORD_STR_OPERATORS,
} from './tokens.js';

/** Deeper nesting than this is refused rather than risking the stack. */
const MAX_DEPTH = 200;

/** Parses a condition into its syntax tree; throws ConditionSyntaxError with line and column. */
export function parseCondition(text: string): Expr {
  return new Parser(text).parse();
}

class Parser {
  private readonly src: Source;
  private readonly text: string;
  private i = 0;
  private depth = 0;

  constructor(text: string) {
    this.src = new Source(text);
    this.text = text;
  }

  parse(): Expr {
    if (this.text.trim() === '') this.fail('the condition is empty');
    const e = this.parseOr();
    if (this.i !== this.text.length) this.fail("unexpected text, expecting 'and', 'or' or the end");
    return e;
  }

  // ---- boolean structure ----

  private parseOr(): Expr {
    this.enter();
    this.blank();
    const pos = this.pos();
    const children = [this.parseAnd()];
    this.blank();
    while (this.keyword('or')) {
      children.push(this.afterConnective('or', () => this.parseAnd()));
      this.blank();
    }
    this.depth--;
    return children.length > 1 ? { kind: 'or', children, pos } : (children[0] as Expr);
  }

  private parseAnd(): Expr {
    this.blank();
    const pos = this.pos();
    const children = [this.parseNot()];
    this.blank();
    while (this.keyword('and')) {
      children.push(this.afterConnective('and', () => this.parseNot()));
      this.blank();
    }
    return children.length > 1 ? { kind: 'and', children, pos } : (children[0] as Expr);
  }

  /** `and`/`or` must be followed by a blank or an opening parenthesis. */
  private afterConnective(word: string, next: () => Expr): Expr {
    if (this.blank()) return next();
    if (this.literal('(')) return this.parseGroupRest();
    return this.fail(`expected a blank or '(' after '${word}'`);
  }

  private parseNot(): Expr {
    this.blank();
    const pos = this.pos();
    let negate = false;
    while (this.regex(NOT_BLANK) !== undefined) negate = !negate;
    let child: Expr;
    if (this.literal('not(')) {
      negate = !negate;
      child = this.parseGroupRest();
    } else {
      child = this.parseCheck();
    }
    return negate ? { kind: 'not', child, pos } : child;
  }

  /** After '(' : an expression and its ')'. */
  private parseGroupRest(): Expr {
    const e = this.parseOr();
    this.blank();
    if (!this.literal(')')) this.fail("expected ')'");
    return e;
  }

  private parseCheck(): Expr {
    this.blank();
    const pos = this.pos();
    if (this.literal('(')) return this.parseGroupRest();
    const fieldName = this.regex(FIELD_NAME);
    if (fieldName !== undefined) {
      const field = this.parseFieldRest(fieldName, pos.offset);
      return this.parseCondition(field, pos.offset);
    }
    const t = this.transformerStart();
    if (t !== undefined) {
      const left = this.parseTransformerRest(t, pos.offset);
      return this.parseCondition(left, pos.offset);
    }
    const ident = this.regex(IDENTIFIER);
    if (ident !== undefined) return { kind: 'macro', name: ident, pos };
    return this.fail("expected '(', a field check or a macro name");
  }

  // ---- operands ----

  /** The optional `[arg]` right after a field name (no blank allowed before '['). */
  private parseFieldRest(name: string, start: number): FieldRef {
    const field: FieldRef = { kind: 'field', name, pos: this.src.position(start) };
    if (this.literal('[')) {
      const q = this.quoted();
      const arg = q !== undefined ? q.value : this.regex(FIELD_ARG_BARE);
      if (arg === undefined) this.fail('expected a field argument (a quoted or bare string)');
      field.arg = arg;
      if (!this.literal(']')) this.fail("expected ']' closing the field argument");
    }
    return field;
  }

  /** A transformer name immediately followed by '(' (consumed). */
  private transformerStart(): TransformerName | undefined {
    for (const name of ALL_TRANSFORMERS) {
      if (this.literal(`${name}(`)) return name;
    }
    return undefined;
  }

  /** After `name(`: the transformer's arguments and its ')'. */
  private parseTransformerRest(name: TransformerName, start: number): TransformExpr {
    this.enter();
    const pos = this.src.position(start);
    this.blank();
    let args: TransformExpr['args'];
    if (name === 'join') {
      const sep = this.quoted();
      if (sep === undefined) this.fail("expected a quoted separator in 'join'");
      this.blank();
      if (!this.literal(',')) this.fail("expected ',' after the separator of 'join'");
      this.blank();
      if (!this.literal('(')) this.fail("expected '(' opening the list of 'join'");
      args = [sep, ...this.parseItems(')')];
    } else if (name === 'concat') {
      args = this.parseItems(')', true);
      this.depth--;
      return { kind: 'transform', name, args, pos };
    } else if (name === 'getopt') {
      const operand = this.parseOperand(name);
      this.blank();
      if (!this.literal(',')) this.fail("expected ',' after the operand of 'getopt'");
      this.blank();
      const opt = this.quoted() ?? this.bareValue();
      if (opt === undefined) this.fail("expected the option name of 'getopt'");
      args = [operand, opt];
    } else {
      args = [this.parseOperand(name)];
    }
    this.blank();
    if (!this.literal(')')) this.fail(`expected ')' closing '${name}'`);
    this.depth--;
    return { kind: 'transform', name, args, pos };
  }

  /** A field or a nested transformer (never `val`), as a transformer's argument. */
  private parseOperand(owner: string): Operand {
    this.blank();
    const start = this.i;
    const t = this.transformerStart();
    if (t !== undefined) return this.parseTransformerRest(t, start);
    const name = this.regex(FIELD_NAME);
    if (name !== undefined) return this.parseFieldRest(name, start);
    return this.fail(`expected a field or a transformer inside '${owner}'`);
  }

  /**
   * Items of join/concat: fields, transformers, quoted strings or numbers, comma-separated, up to
   * `close` (consumed). The opening '(' is already consumed.
   */
  private parseItems(close: string, nonEmpty = false): Array<Operand | ValueLit> {
    const items: Array<Operand | ValueLit> = [];
    this.blank();
    if (!nonEmpty && this.literal(close)) return items;
    for (;;) {
      this.blank();
      items.push(this.parseItem());
      this.blank();
      if (this.literal(close)) return items;
      if (!this.literal(',')) this.fail(`expected ',' or '${close}'`);
    }
  }

  private parseItem(): Operand | ValueLit {
    const start = this.i;
    const t = this.transformerStart();
    if (t !== undefined) return this.parseTransformerRest(t, start);
    const name = this.regex(FIELD_NAME);
    if (name !== undefined) return this.parseFieldRest(name, start);
    const q = this.quoted();
    if (q !== undefined) return q;
    const n = this.regex(HEX_NUMBER) ?? this.regex(NUMBER);
    if (n !== undefined) return { kind: 'value', value: n, quoted: false, pos: this.src.position(start) };
    return this.fail('expected a field, a transformer, a quoted string or a number');
  }

  // ---- conditions ----

  private parseCondition(left: Operand, start: number): Expr {
    this.enter();
    const pos = this.src.position(start);
    this.blank();
    if (this.literal('exists')) {
      this.depth--;
      return { kind: 'unary', op: 'exists', left, pos };
    }
    let check: BinaryCheck;
    const num = this.oneOf(NUM_OPERATORS);
    if (num !== undefined) {
      check = { kind: 'binary', op: num, left, right: this.parseNumValue(), pos };
    } else {
      const str = this.strOperator();
      if (str !== undefined) {
        check = this.parseStrRight(str, left, pos);
      } else {
        const list = this.oneOf(LIST_OPERATORS);
        if (list === undefined) this.fail('expected an operator');
        check = { kind: 'binary', op: list, left, right: this.parseListValue(), pos };
      }
    }
    this.depth--;
    return check;
  }

  private strOperator(): BinaryOperator | undefined {
    const sym = this.oneOf(SYMBOL_STR_OPERATORS);
    if (sym !== undefined) return sym;
    for (const op of WORD_STR_OPERATORS) {
      if (this.text.startsWith(op, this.i) && isBlankChar(this.text[this.i + op.length])) {
        this.i += op.length;
        return op;
      }
    }
    return undefined;
  }

  private parseStrRight(op: BinaryOperator, left: Operand, pos: BinaryCheck['pos']): BinaryCheck {
    const afterOp = this.i;
    if (this.blank()) {
      const modStart = this.i;
      const mod = this.regex(MODIFIER, 1) as OperatorModifier | undefined;
      if (mod !== undefined) {
        const listStart = this.i;
        if (this.literal('(')) {
          const right = this.parseListRest(listStart);
          return { kind: 'binary', op, modifier: mod, left, right, pos };
        }
        const ident = this.regex(IDENTIFIER);
        if (ident !== undefined && ident !== 'and' && ident !== 'or' && ident !== 'not') {
          const right: ListRef = { kind: 'listref', name: ident, pos: this.src.position(listStart) };
          return { kind: 'binary', op, modifier: mod, left, right, pos };
        }
      }
      this.i = modStart;
    }
    this.i = afterOp;
    return { kind: 'binary', op, left, right: this.parseStrValue(), pos };
  }

  private parseNumValue(): RightHand {
    this.blank();
    const start = this.i;
    const rhs = this.rhsOperand();
    if (rhs !== undefined) return rhs;
    const n = this.regex(HEX_NUMBER) ?? this.regex(NUMBER);
    if (n !== undefined) return { kind: 'value', value: n, quoted: false, pos: this.src.position(start) };
    return this.fail('expected a number or a field with a transformer');
  }

  private parseStrValue(): RightHand {
    this.blank();
    const rhs = this.rhsOperand();
    if (rhs !== undefined) return rhs;
    const v = this.quoted() ?? this.bareValue();
    if (v !== undefined) return v;
    return this.fail('expected a string value or a field with a transformer');
  }

  private parseListValue(): RightHand {
    this.blank();
    const start = this.i;
    if (this.literal('(')) return this.parseListRest(start);
    const rhs = this.rhsOperand();
    if (rhs !== undefined) return rhs;
    const ident = this.regex(IDENTIFIER);
    if (ident !== undefined) return { kind: 'listref', name: ident, pos: this.src.position(start) };
    return this.fail('expected a list, a list name or a field with a transformer');
  }

  /** After '(' of a value list: `(a, 'b c', 1)` or `()`; items are quoted or bare strings. */
  private parseListRest(start: number): ListLit {
    const items: ValueLit[] = [];
    this.blank();
    const first = this.quoted() ?? this.bareValue();
    if (first !== undefined) {
      items.push(first);
      this.blank();
      while (this.literal(',')) {
        this.blank();
        const v = this.quoted() ?? this.bareValue();
        if (v === undefined) this.fail('expected a list value');
        items.push(v);
        this.blank();
      }
    }
    if (!this.literal(')')) this.fail("expected ',' or ')' in the list");
    return { kind: 'list', items, pos: this.src.position(start) };
  }

  /** `val(field)` or a transformer, on the right-hand side. */
  private rhsOperand(): RightHand | undefined {
    const start = this.i;
    if (!this.literal('val(')) {
      const t = this.transformerStart();
      return t === undefined ? undefined : this.parseTransformerRest(t, start);
    }
    this.blank();
    const fieldStart = this.i;
    const name = this.regex(FIELD_NAME);
    if (name === undefined) this.fail("expected a field inside 'val'");
    const field = this.parseFieldRest(name, fieldStart);
    this.blank();
    if (!this.literal(')')) this.fail("expected ')' closing 'val'");
    return { kind: 'val', field, pos: this.src.position(start) };
  }

  // ---- lexing helpers ----

  private quoted(): ValueLit | undefined {
    const start = this.i;
    const q = scanQuoted(this.text, start);
    if (q === undefined) return undefined;
    let value: string;
    try {
      value = unescapeQuoted(q.raw, q.quote);
    } catch (e) {
      if (e instanceof EscapeError) {
        this.i = start + 1 + e.index;
        this.fail(e.message);
      }
      throw e;
    }
    this.i = q.end;
    return { kind: 'value', value, quoted: true, pos: this.src.position(start) };
  }

  private bareValue(): ValueLit | undefined {
    const start = this.i;
    const v = this.regex(BARE_STRING);
    return v === undefined ? undefined : { kind: 'value', value: v, quoted: false, pos: this.src.position(start) };
  }

  /** `and`/`or` as a prefix (libsinsp checks what follows separately). */
  private keyword(word: string): boolean {
    return this.literal(word);
  }

  private literal(s: string): boolean {
    if (this.text.startsWith(s, this.i)) {
      this.i += s.length;
      return true;
    }
    return false;
  }

  private oneOf<T extends string>(list: readonly T[]): T | undefined {
    for (const s of list) if (this.literal(s)) return s;
    return undefined;
  }

  private regex(re: RegExp, group = 0): string | undefined {
    re.lastIndex = this.i;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.i = re.lastIndex;
    return m[group];
  }

  private blank(): boolean {
    return this.regex(BLANK) !== undefined;
  }

  private pos() {
    return this.src.position(this.i);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
  }

  private fail(reason: string): never {
    throw new ConditionSyntaxError(reason, this.src.position(this.i), this.src.excerpt(this.i));
  }
}
