/**
 * The syntax tree of a Falco condition, as libsinsp's grammar shapes it. Every node keeps where it
 * started in its source so that compile errors (unknown field, wrong operator for a type) can
 * point at the text a rule author wrote.
 */

/** A place in a condition's source: `offset` is 0-based, `line` and `col` are 1-based. */
export interface Position {
  offset: number;
  line: number;
  col: number;
}

export type Expr = AndExpr | OrExpr | NotExpr | MacroRef | UnaryCheck | BinaryCheck;

export interface AndExpr {
  kind: 'and';
  children: Expr[];
  pos: Position;
}

export interface OrExpr {
  kind: 'or';
  children: Expr[];
  pos: Position;
}

export interface NotExpr {
  kind: 'not';
  child: Expr;
  pos: Position;
}

/** A bare identifier in check position: a macro reference. */
export interface MacroRef {
  kind: 'macro';
  name: string;
  pos: Position;
}

export type UnaryOperator = 'exists';

export type BinaryOperator =
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | 'icontains'
  | 'bcontains'
  | 'startswith'
  | 'bstartswith'
  | 'endswith'
  | 'glob'
  | 'iglob'
  | 'regex'
  | 'in'
  | 'intersects'
  | 'pmatch';

/** `proc.name = oneof (a, b)`: the operator applies to each listed value. */
export type OperatorModifier = 'oneof' | 'anyof' | 'allof';

export interface UnaryCheck {
  kind: 'unary';
  op: UnaryOperator;
  left: Operand;
  pos: Position;
}

export interface BinaryCheck {
  kind: 'binary';
  op: BinaryOperator;
  modifier?: OperatorModifier;
  left: Operand;
  right: RightHand;
  pos: Position;
}

/** A field with its optional argument: `proc.aname[2]` → name `proc.aname`, arg `2`. */
export interface FieldRef {
  kind: 'field';
  name: string;
  arg?: string;
  pos: Position;
}

export type TransformerName = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len' | 'join' | 'concat' | 'getopt';

/**
 * A field transformer. `args` by transformer:
 * - tolower toupper b64 basename len: `[operand]`
 * - join: `[separator value, ...items]` (items are operands or literal values)
 * - concat: `[...items]`
 * - getopt: `[operand, option value]`
 */
export interface TransformExpr {
  kind: 'transform';
  name: TransformerName;
  args: Array<Operand | ValueLit>;
  pos: Position;
}

export type Operand = FieldRef | TransformExpr;

/** A literal: quoted strings are already unescaped; `quoted` says whether it was written in quotes. */
export interface ValueLit {
  kind: 'value';
  value: string;
  quoted: boolean;
  pos: Position;
}

export interface ListLit {
  kind: 'list';
  items: ValueLit[];
  pos: Position;
}

/** An identifier in list position (`in my_list`): a list name for the loader to expand. */
export interface ListRef {
  kind: 'listref';
  name: string;
  pos: Position;
}

/** `val(field)`: compare with another field's value instead of a constant. */
export interface ValExpr {
  kind: 'val';
  field: FieldRef;
  pos: Position;
}

export type RightHand = ValueLit | ListLit | ListRef | ValExpr | TransformExpr;
